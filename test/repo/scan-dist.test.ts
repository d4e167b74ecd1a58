// Repository-level checks, on purpose over the real configuration and the committed dist/: the
// policies scan --env evaluates are what synth wrote, and they pass Krate's own manifests.
import { join } from 'node:path';
import { PolicySet } from '../../analysis/scan';
import { policyManifests } from '../../cli/commands/scan';
import { repositorySources } from '../../cli/sources';
import { parseManifests, readManifests } from '../../lib/manifests';
import { DIST_DIR } from '../../lib/paths';

const docs = (yaml: string) => parseManifests(yaml, 'input.yaml');
const pod = (name: string, ns: string, spec: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: ${spec}\n`;

describe('scan of our own manifests', () => {
  it('passes every manifest in dist/ with the prod policies', async () => {
    const set = new PolicySet(policyManifests({ env: 'prod' }, repositorySources()));
    expect(set.size).toBe(readManifests([join(DIST_DIR, 'prod', 'policies')]).length);
    const ours = readManifests([DIST_DIR]);
    const report = set.scan(ours);
    expect(report.results.filter((r) => r.result !== 'pass')).toEqual([]);
    // dist/ holds no workloads or Krate objects today, so nothing matches; the positive control
    // proves the same policy set, over the same input, does evaluate what it governs.
    const control = set.scan([...ours, ...docs(pod('control', 'shop', '{hostPID: true, containers: [{name: c, image: "nginx:1.27"}]}'))]);
    expect(control.results.filter((r) => r.result === 'fail').map((r) => r.resource.name)).toContain('control');
    expect(control.results.every((r) => r.resource.name === 'control')).toBe(true);
  });

  it('renders scan --env policies from the same code path as synth (identical to dist/)', async () => {
    const fromSynth = policyManifests({ env: 'prod' }, repositorySources()).filter((m) => m.kind === 'ValidatingPolicy');
    const fromDist = readManifests([join(DIST_DIR, 'prod', 'policies')]).map((i) => i.manifest);
    expect(JSON.parse(JSON.stringify(fromSynth))).toEqual(fromDist);
  });
});
