// The pieces of scan's CI outputs on their own: the gate rule, where results are located, GitHub's
// workflow-command escaping, the baseline file.
import { parseManifests } from '../../../lib/manifests';
import { type ScanResult } from '../../../analysis/scan';
import { failsGate, locator, type RuleInfo } from '../../../analysis/report/findings';
import { escapeData, escapeProperty } from '../../../analysis/report/github';
import { formatBaseline, parseBaseline } from '../../../analysis/report/baseline';

const result = (over: Partial<ScanResult> = {}): ScanResult => ({
  policy: 'p',
  template: 't',
  pack: 'k',
  mode: 'Audit',
  resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web' },
  result: 'fail',
  message: 'm',
  ...over,
});
const rule = (severity?: RuleInfo['severity']): RuleInfo => ({ id: 't', title: 'T', description: 'd', severity, pack: 'k' });

describe('the gate', () => {
  it('without --fail-on fails enforce-mode failures and every error, as today', () => {
    const gate = { enforced: true } as const;
    expect(failsGate(result(), rule('critical'), gate, false)).toBe(false);
    expect(failsGate(result({ mode: 'Enforce' }), rule('low'), gate, false)).toBe(true);
    expect(failsGate(result({ result: 'error' }), rule('low'), gate, false)).toBe(true);
  });

  it('with --fail-on fails what reaches the threshold, whatever the mode; a policy without severity reaches every threshold', () => {
    expect(failsGate(result(), rule('medium'), { failOn: 'medium' }, false)).toBe(true);
    expect(failsGate(result({ mode: 'Enforce' }), rule('medium'), { failOn: 'high' }, false)).toBe(false);
    expect(failsGate(result(), rule(undefined), { failOn: 'critical' }, false)).toBe(true);
    expect(failsGate(result({ result: 'pass' }), rule('critical'), { failOn: 'low' }, false)).toBe(false);
  });

  it('never fails on a baselined failure, but still on an error', () => {
    expect(failsGate(result({ mode: 'Enforce' }), rule('critical'), { failOn: 'low' }, true)).toBe(false);
    expect(failsGate(result({ result: 'error' }), rule('critical'), { failOn: 'low' }, true)).toBe(true);
  });
});

describe('locating results', () => {
  it('finds the document by resource, the namespace as the scan defaulted it, duplicates in input order', () => {
    const items = parseManifests(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n',
      'in.yaml',
    );
    const locate = locator(items);
    const at = (r: ScanResult) => locate(r)?.line;
    const pod = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'a' };
    expect([at(result({ resource: pod })), at(result({ resource: pod })), at(result({ resource: pod, policy: 'q' }))]).toEqual([1, 9, 1]);
    expect(at(result({ resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' } }))).toBe(5);
    expect(locate(result({ resource: { ...pod, name: 'other' } }))).toBeUndefined();
    // A resource defined once keeps its document for every policy's result (looked up once, then by identity).
    const ns = { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' };
    expect(['p', 'q', 'p'].map((policy) => at(result({ resource: ns, policy })))).toEqual([5, 5, 5]);
    const missing = { ...pod, name: 'other' };
    expect([locate(result({ resource: missing })), locate(result({ resource: missing, policy: 'q' }))]).toEqual([undefined, undefined]);
  });
});

describe('GitHub workflow-command escaping', () => {
  it('escapes % CR LF in messages, and also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir/a:b,c%.yaml')).toBe('dir/a%3Ab%2Cc%25.yaml');
  });
});

describe('baseline file', () => {
  it('is sorted and deduplicated whatever the order of results, and reads back', () => {
    const a = result({ template: 'b-template' });
    const b = result({ template: 'a-template', resource: { apiVersion: 'v1', kind: 'Pod', namespace: '', name: 'z' } });
    const text = formatBaseline([a, b, a, result({ result: 'pass', template: 'c' })]);
    expect(formatBaseline([b, a])).toBe(text);
    expect(JSON.parse(text).findings.map((f: { template: string }) => f.template)).toEqual(['a-template', 'b-template']);
    const baseline = parseBaseline(text, 'b.json');
    expect([baseline.has(a), baseline.has(result({ template: 'c' }))]).toEqual([true, false]);
    expect(baseline.stale([a])).toEqual([{ template: 'a-template', kind: 'Pod', namespace: '', name: 'z' }]);
  });

  it('reads a file saved with a byte order mark', () => {
    expect(parseBaseline(`\uFEFF${formatBaseline([result()])}`, 'b.json').has(result())).toBe(true);
  });

  it('fails when the file is empty or not JSON, naming the file and the fix', () => {
    expect(() => parseBaseline('', 'b.json')).toThrow('--baseline b.json: not JSON: ');
    expect(() => parseBaseline('{"version": 1,', 'b.json')).toThrow('(write it with scan --write-baseline b.json, or fix the syntax)');
  });

  it('fails when an entry is listed twice, naming the file and the entry', () => {
    const entry = { template: 't', kind: 'Pod', namespace: '', name: 'p' };
    expect(() => parseBaseline(JSON.stringify({ version: 1, findings: [entry, entry] }), 'b.json')).toThrow(
      '--baseline b.json: findings[1]: {"template":"t","kind":"Pod","namespace":"","name":"p"} is listed twice',
    );
  });
});
