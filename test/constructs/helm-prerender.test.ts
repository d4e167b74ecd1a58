// Synth pre-renders helm concurrently and parses repeated chunks once; the output must be exactly
// what the one-at-a-time path renders.
import { parseAllDocuments } from 'yaml';
import { parseHelmOutput } from '../../constructs/helm-release';
import { krateKyvernoRelease } from '../../constructs/krate-kyverno';
import { helm } from '../../lib/helm';
import { fastLoadAll } from '../../lib/yaml-fast';
import { resolveFixture } from '../support/fixtures';
import { renderEnvironments, renderEnvironmentsAsync } from '../../synth/synth';

describe('helm pre-rendering', () => {
  it('renders byte for byte what the synchronous path renders', async () => {
    const sync = renderEnvironments(resolveFixture());
    const concurrent = await renderEnvironmentsAsync(resolveFixture());
    expect([...concurrent.keys()]).toEqual([...sync.keys()]);
    for (const [path, content] of sync) expect(concurrent.get(path)).toBe(content);
  });

  it('parses helm output into the same documents as one parse, empty documents included', () => {
    const text = [
      '---',
      '# Source: a.yaml',
      'kind: A',
      'on: yes',
      '---',
      '---',
      '# Source: b.yaml',
      'kind: B',
      'x: |',
      '  ---',
      '  y',
      '---',
      'kind: A',
      'on: yes',
      '',
    ].join('\n');
    const memo = new Map<string, readonly unknown[]>();
    const parsed = parseHelmOutput(text, memo);
    expect(parsed).toEqual(parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()));
    expect(parsed[0]).not.toBe(parsed[3]);
    // A repeated chunk is a copy, never the same object (releases must not share mutable objects).
    const again = parseHelmOutput(text, memo);
    expect(again).toEqual(parsed);
    expect(again[0]).not.toBe(parsed[0]);
  });

  it("reads the chart's real helm output as yaml 1.1 does, on the fast path", () => {
    for (const env of resolveFixture().environments) {
      const r = krateKyvernoRelease(env);
      const { status, stdout } = helm(['template', r.releaseName, r.chart, '--namespace', r.namespace], r.values ?? {});
      expect(status).toBe(0);
      expect(parseHelmOutput(stdout)).toEqual(parseAllDocuments(stdout, { version: '1.1' }).map((d) => d.toJS()));
      const chunks = stdout.split(/^(?=---$)/m);
      // Most chunks go the fast way (else this proves nothing about it); the CRDs' CEL (`!has(…)`) declines.
      expect(chunks.filter((c) => fastLoadAll(c, '1.1') !== undefined).length).toBeGreaterThan(chunks.length / 2);
      expect(chunks.length).toBeGreaterThan(10);
    }
  });

  it("fails when a pre-rendered chart does not render: synth reports helm's error", async () => {
    const { prerenderHelm } = await import('../../constructs/helm-release');
    const renders = await prerenderHelm([{ chart: '/no/such/chart', releaseName: 'x', namespace: 'x' }]);
    const [r] = [...renders.values()];
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no\/such\/chart|not found|no such file/i);
  });
});
