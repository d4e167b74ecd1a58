// scan's progress line: only on a terminal, and evaluating in chunks for it changes no result.
import { parseManifests } from '../../lib/manifests';
import { PolicySet } from '../../analysis/scan';
import { formatProgress, Progress } from '../../cli/progress';
import { scanProgressively } from '../../cli/commands/scan';
import { environmentPolicyManifests } from '../support/fixtures';

describe('progress', () => {
  it('formats files read and resources evaluated', () => {
    expect(formatProgress({ files: 1, resources: 1, evaluated: 0, total: 0 })).toBe('scan: read 1 file, 1 resource');
    expect(formatProgress({ files: 12, resources: 3400, evaluated: 1200, total: 3400 })).toBe(
      'scan: read 12 files, 3,400 resources; evaluated 1,200/3,400 resources (35%)',
    );
  });

  it('draws on a terminal (rewriting one line, at most every 100 ms) and writes nothing elsewhere', () => {
    const written: string[] = [];
    let now = 0;
    const tty = new Progress({ isTTY: true, write: (s) => written.push(s) > 0 }, () => now);
    tty.state.files = 2;
    now = 200;
    tty.update();
    now = 250;
    tty.update();
    tty.done();
    expect(written).toEqual(['\rscan: read 2 files, 0 resources\x1b[K', '\r\x1b[K']);
    const silent: string[] = [];
    const pipe = new Progress({ isTTY: false, write: (s) => silent.push(s) > 0 });
    pipe.update(true);
    pipe.done();
    expect([pipe.enabled, silent]).toEqual([false, []]);
  });

  it('evaluates in chunks on a terminal with the same results as one scan (Namespaces late in the input included)', () => {
    const set = new PolicySet(environmentPolicyManifests('staging'));
    const pods = Array.from(
      { length: 1100 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns${i % 3}}\nspec: {containers: [{name: c, image: "nginx:latest"}]}\n`,
    );
    const namespaces = [0, 1, 2].map(
      (i) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ns${i}, labels: {krate.a5c.ai/tier: t${i}}}\n`,
    );
    const items = parseManifests([...pods, ...namespaces].join('---\n'), 'many.yaml');
    const drawn: string[] = [];
    let tick = 0;
    const progress = new Progress({ isTTY: true, write: (s) => drawn.push(s) > 0 }, () => (tick += 1000));
    progress.state.total = items.length;
    const chunked = scanProgressively(set, items, [], progress);
    expect(chunked).toEqual(set.scan(items));
    expect(drawn.at(-1)).toContain('evaluated 1,103/1,103 resources (100%)');
    expect(chunked.results.length).toBeGreaterThan(1100);
  });
});
