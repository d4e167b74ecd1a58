// `npm run bench`: the project's own performance figures, printed for the closing notes and PRs.
// `npm run bench -- scan` runs only the benches whose name starts with one of the given words.
import { rolloutBench } from './rollout';
import { scanBench } from './scan';
import { scanEndToEndBench, scanPolicyBench, testUpstreamBench } from './scan-policy';
import { synthBench } from './synth';
import { fleetBench } from './fleet';
import { tenancyBench } from './tenancy';
import type { Bench } from './harness';

const BENCHES: readonly Bench[] = [
  synthBench,
  scanBench,
  scanEndToEndBench,
  scanPolicyBench,
  testUpstreamBench,
  rolloutBench,
  fleetBench,
  tenancyBench,
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = only.length === 0 ? BENCHES : BENCHES.filter((b) => only.some((w) => b.name.startsWith(w)));
if (selected.length === 0) {
  console.error(`bench: no bench named ${only.join(', ')}; the benches: ${BENCHES.map((b) => b.name.split(' ')[0]).join(', ')}`);
  process.exit(2);
}
for (const bench of selected) {
  const figures = await bench.run();
  console.log(`\n${bench.name}`);
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) console.log(`  ${f.label.padEnd(width)}  ${f.value}`);
}
