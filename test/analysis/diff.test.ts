import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { diffTrees, fieldDiff, formatReport, policyMode } from '../../analysis/diff';
import { toYaml, type Manifest } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';

const tree = (files: Record<string, object>) => new Map(Object.entries(files).map(([p, m]) => [p, toYaml(m)]));

const policy = (actions: string[]) => ({
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: { name: 'krate-a5c-prod-disallow-privileged-containers', annotations: { 'krate.a5c.ai/policy-template': 'disallow-privileged-containers@1.0.0' } },
  spec: { validationActions: actions },
});
const exception = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'PolicyException',
  metadata: { name: 'ci-runner', namespace: 'krate-system' },
  spec: { policyRefs: [{ kind: 'ValidatingPolicy', name: 'krate-a5c-prod-disallow-privileged-containers' }], expiresAt: '2026-12-31T00:00:00Z' },
};
const role = (verbs: string[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'krate-viewer' }, rules: [{ apiGroups: ['kyverno.io'], resources: ['policies'], verbs }] });
const engine = (version: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'kyverno', namespace: 'argocd' },
  spec: { project: 'krate-prod', source: { repoURL: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', targetRevision: version }, destination: { server: 'https://x', namespace: 'kyverno' } },
});

const base = tree({
  'prod/policies/validatingpolicy-p.yaml': policy(['Audit']),
  'prod/krate-kyverno/clusterrole-krate-viewer.yaml': role(['get']),
  'prod/krate-kyverno/application-kyverno.yaml': engine('3.9.0'),
  'dev/krate-kyverno/configmap-c.yaml': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'krate-system' }, data: { a: '1' } },
});
const head = tree({
  'prod/policies/validatingpolicy-p.yaml': policy(['Deny']),
  'prod/policy-exceptions/policyexception-ci-runner.yaml': exception,
  'prod/krate-kyverno/clusterrole-krate-viewer.yaml': role(['get', 'list']),
  'prod/krate-kyverno/application-kyverno.yaml': engine('3.10.0'),
  'dev/krate-kyverno/configmap-c.yaml': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'krate-system' }, data: { a: '1' } },
});

describe('diff', () => {
  const report = diffTrees(base, head);

  it('calls out policy mode changes by template name', () => {
    expect(report.modeChanges).toEqual(['prod: disallow-privileged-containers Audit → Enforce']);
    expect(diffTrees(head, base).modeChanges).toEqual(['prod: disallow-privileged-containers Enforce → Audit']);
  });

  it('calls out new exceptions, RBAC changes and chart version changes', () => {
    expect(report.exceptions).toEqual([
      'prod: + PolicyException/krate-system/ci-runner (for krate-a5c-prod-disallow-privileged-containers, expires 2026-12-31T00:00:00Z)',
    ]);
    expect(report.rbac).toEqual(['prod: ~ ClusterRole/krate-viewer (rules[0].verbs: ["get"] → ["get","list"])']);
    expect(report.chartVersions).toEqual(['prod: kyverno chart 3.9.0 → 3.10.0 (Application/argocd/kyverno)']);
  });

  it('reports per environment and app, leaving unchanged resources out', () => {
    expect(report.changes.map((c) => `${c.env}/${c.app} ${c.change} ${c.id}`)).toEqual([
      'prod/krate-kyverno changed Application/argocd/kyverno',
      'prod/krate-kyverno changed ClusterRole/krate-viewer',
      'prod/policies changed ValidatingPolicy/krate-a5c-prod-disallow-privileged-containers',
      'prod/policy-exceptions added PolicyException/krate-system/ci-runner',
    ]);
  });

  it('gives a compact field diff', () => {
    expect(fieldDiff({ spec: { a: 1, b: [1, 2], c: [{ x: 1 }] } }, { spec: { a: 2, b: [1], c: [{ x: 1, y: '' }] }, d: 'new' })).toEqual([
      'spec.a: 1 → 2',
      'spec.b: [1,2] → [1]',
      '+ spec.c[0].y: ""',
      '+ d: new',
    ]);
  });

  it('reads Kyverno modes: Deny is Enforce, legacy validationFailureAction too', () => {
    expect(policyMode(policy(['Audit', 'Warn']) as unknown as Manifest)).toBe('Audit');
    expect(policyMode({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'x' }, spec: { validationFailureAction: 'Enforce' } })).toBe('Enforce');
    expect(policyMode({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toBeUndefined();
  });

  it('formats Markdown ready for a pull-request comment, review items first', () => {
    const md = formatReport(report, 'markdown', 'origin/main');
    expect(md.startsWith('### krate-policy diff: `origin/main` → this change\n\n**Review first**\n\n- **Policy mode changes**\n  - `prod: disallow-privileged-containers Audit → Enforce`')).toBe(true);
    expect(md).toContain('| prod / policy-exceptions | 1 | 0 | 0 |');
    expect(md).toContain('<details><summary>prod / policies: 0 added, 0 removed, 1 changed</summary>');
    expect(md).toContain('    spec.validationActions: ["Audit"] → ["Deny"]');
  });

  it('says so when nothing changes', () => {
    expect(formatReport(diffTrees(base, base), 'text', 'HEAD')).toBe('krate-policy diff: HEAD → working tree\nno rendered changes\n');
  });

  it('fails when --base is not a commit, naming the ref and the fix', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'diff', '--base', 'no-such-ref-xyz'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --base: 'no-such-ref-xyz' is not a commit in");
    expect(r.stderr).toContain('fetch it first with `git fetch origin main`');
  });

  it('fails when --format is unknown', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'diff', '--base', 'HEAD', '--format', 'html'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --format: 'html' is not one of markdown|text");
  });
});
