// `npm run bench`: the project's own performance figures, printed for the closing notes and PRs.
import { rolloutBench } from './rollout';
import { scanBench } from './scan';
import { scanPolicyBench, testUpstreamBench } from './scan-policy';
import { synthBench } from './synth';
import { fleetBench } from './fleet';
import { tenancyBench } from './tenancy';
import type { Bench } from './harness';

const BENCHES: readonly Bench[] = [synthBench, scanBench, scanPolicyBench, testUpstreamBench, rolloutBench, fleetBench, tenancyBench];

for (const bench of BENCHES) {
  const figures = await bench.run();
  console.log(`\n${bench.name}`);
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) console.log(`  ${f.label.padEnd(width)}  ${f.value}`);
}
