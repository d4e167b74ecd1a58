// The context-aware templates (resource.Get / resource.List): how they are rendered for Kyverno, and
// their parameters evaluated against a cluster snapshot (their folders' suites cover the defaults).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../analysis/kyverno-test/runner';
import { REPO_ROOT } from '../../lib/paths';
import { toYaml } from '../../lib/manifests';
import { findTemplate, TEMPLATES } from '../../policies';
import { readsCluster, renderPolicy } from '../../policies/render';

const CONTEXT_AWARE = ['fork-jobs-untrusted-runner-pool', 'pr-references-org-repository', 'unique-ingress-host'];
const spec = (name: string) => renderPolicy(findTemplate(name)!, { org: 'a5c', mode: 'Audit' }).spec as Record<string, any>;

describe('context-aware templates', () => {
  it('are the templates that call the resource library', () => {
    expect(TEMPLATES.filter(readsCluster).map((t) => t.name)).toEqual(expect.arrayContaining(CONTEXT_AWARE));
    expect(readsCluster(findTemplate('require-labels')!)).toBe(false);
  });

  it('evaluate in background scans where a lookup re-checks an existing object, at admission only where both sides of a conflict would be blamed', () => {
    expect(spec('pr-references-org-repository').evaluation).toEqual({ admission: { enabled: true }, background: { enabled: true } });
    expect(spec('fork-jobs-untrusted-runner-pool').evaluation).toEqual({ admission: { enabled: true }, background: { enabled: true } });
    expect(spec('unique-ingress-host').evaluation).toEqual({ admission: { enabled: true }, background: { enabled: false } });
  });

  it('let unique-ingress-host serve a host listed in sharedHosts from several namespaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-shared-hosts-'));
    try {
      const folder = join(REPO_ROOT, 'policies', 'best-practices', 'unique-ingress-host');
      const policy = renderPolicy(findTemplate('unique-ingress-host')!, {
        org: 'example',
        mode: 'Audit',
        parameters: { sharedHosts: ['shop.example.com'] },
      });
      writeFileSync(join(dir, 'policy.yaml'), toYaml(policy));
      copyFileSync(join(folder, 'context.yaml'), join(dir, 'context.yaml'));
      copyFileSync(join(folder, 'bad.yaml'), join(dir, 'bad.yaml'));
      writeFileSync(
        join(dir, 'kyverno-test.yaml'),
        [
          'apiVersion: cli.kyverno.io/v1alpha1',
          'kind: Test',
          'metadata: {name: shared-hosts}',
          'policies: [policy.yaml]',
          'resources: [bad.yaml]',
          'context: context.yaml',
          'results:',
          '  - {policy: krate-example-cluster-unique-ingress-host, isValidatingPolicy: true, kind: Ingress, resources: [storefront], result: pass}',
          '  - {policy: krate-example-cluster-unique-ingress-host, isValidatingPolicy: true, kind: Ingress, resources: [portal], result: fail}',
          '',
        ].join('\n'),
      );
      const report = runTests([dir]);
      expect(report.suites[0].rows.map((r) => [r.resource, r.actual])).toEqual([
        ['Ingress/marketing/storefront', 'pass'],
        ['Ingress/marketing/portal', 'fail'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
