import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CLUSTER_SCOPE, EVIDENCE_LIMITS, evidenceSnapshot, formatSnapshot } from '../../analysis/evidence';
import { generatedPolicies, readReportExport, summariseReports } from '../../analysis/policy-reports';
import { resolveConfig } from '../../config/resolve';
import { SchemaValidator, formatFinding } from '../../analysis/schema';
import { failingOf } from '../../config/evidence';
import { EVIDENCE_SNAPSHOT, REPORT_OUTCOMES } from '../../environments/types';
import { REPO_ROOT } from '../../lib/paths';
import { ConfigError } from '../../lib/errors';
import { parseManifests } from '../../lib/manifests';
import { parseOrThrow } from '../../lib/spec';
import { TEMPLATES } from '../../policies';
import { policyName } from '../../policies/naming';
import { reportExport, type SyntheticResult } from '../support/evidence';
import { tenantSources } from '../support/fixtures';

const NAMES = TEMPLATES.map((t) => t.name);
const snapshot = (text: string, file = 'export.yaml') =>
  evidenceSnapshot({ environment: 'staging', org: 'a5c', date: '2026-11-22', templates: NAMES, exports: [readReportExport(text, file)] });

const sample: SyntheticResult[] = [
  { template: 'require-labels', outcome: 'pass', namespace: 'shop', name: 'web' },
  { template: 'require-labels', outcome: 'fail', namespace: 'shop', name: 'api' },
  { template: 'require-labels', outcome: 'error', namespace: 'billing', name: 'worker' },
  { template: 'require-labels', outcome: 'warn', namespace: 'shop', name: 'cron' },
  { template: 'require-labels', outcome: 'skip', namespace: 'shop', name: 'legacy' },
  { template: 'require-labels', outcome: 'fail', name: 'team-a', kind: 'Namespace', policy: policyName('a5c', 'audit', 'require-labels') },
  { template: 'disallow-latest-tag', outcome: 'pass', namespace: 'shop', name: 'web' },
  { template: 'unrelated', outcome: 'fail', namespace: 'shop', name: 'web', policy: 'someone-elses-policy' },
];

const UPSTREAM_REPORTS = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-v1.19.0', 'crds', 'policyreport');
const withUpstream = existsSync(UPSTREAM_REPORTS);

describe('evidence snapshots', () => {
  (withUpstream ? it : it.skip)(
    `reads results as Kyverno v1.19's report CRDs define them (../shared/upstream${withUpstream ? '' : ', skipped: absent'})`,
    () => {
      for (const file of ['wgpolicyk8s.io_policyreports.yaml', 'wgpolicyk8s.io_clusterpolicyreports.yaml']) {
        interface Crd {
          spec: {
            versions: {
              name: string;
              schema: {
                openAPIV3Schema: {
                  properties: Record<string, { items?: { required?: string[]; properties: Record<string, { enum?: string[] }> } }>;
                };
              };
            }[];
          };
        }
        const crd = load(readFileSync(join(UPSTREAM_REPORTS, file), 'utf8')) as Crd;
        const version = crd.spec.versions.find((v) => v.name === 'v1alpha2')!.schema.openAPIV3Schema.properties;
        expect([file, version.results.items!.properties.result.enum]).toEqual([file, [...REPORT_OUTCOMES]]);
        expect(version.results.items!.required).toEqual(['policy']);
        expect(Object.keys(version)).toEqual(expect.arrayContaining(['scope', 'results']));
      }
    },
  );

  it('the synthetic exports are schema-valid wgpolicyk8s.io reports, as Kyverno writes them', async () => {
    const items = parseManifests(reportExport(sample), 'export.yaml');
    expect(items.length).toBeGreaterThan(3);
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });

  it('counts every outcome per template, groups failing resources by namespace and keeps policy names', () => {
    const s = snapshot(reportExport(sample));
    const labels = s.templates['require-labels'];
    expect(labels.results).toEqual({ pass: 1, fail: 2, warn: 1, error: 1, skip: 1 });
    expect(failingOf(labels)).toBe(3);
    expect(labels.policies).toEqual([policyName('a5c', 'audit', 'require-labels'), policyName('a5c', 'cluster', 'require-labels')]);
    expect(labels.failing).toEqual([
      { namespace: CLUSTER_SCOPE, results: 1, resources: ['Namespace team-a'], moreResources: 0 },
      { namespace: 'billing', results: 1, resources: ['Deployment billing/worker'], moreResources: 0 },
      { namespace: 'shop', results: 1, resources: ['Deployment shop/api'], moreResources: 0 },
    ]);
    expect(s.templates['disallow-latest-tag'].results.pass).toBe(1);
    expect(Object.keys(s.templates)).toEqual(['disallow-latest-tag', 'require-labels']);
    expect(s.unmatched).toEqual({ results: 1, policies: ['someone-elses-policy'], morePolicies: 0 });
    expect(s).toMatchObject({ reports: 6, results: 8, environment: 'staging', date: '2026-11-22' });
    // What it writes is what loadEvidence accepts.
    expect(parseOrThrow(EVIDENCE_SNAPSHOT, JSON.parse(formatSnapshot(s)), 'snapshot', 'fix')).toEqual(s);
  });

  it('reads openreports.io Reports and ClusterReports the same way', () => {
    expect(snapshot(reportExport(sample, { group: 'openreports.io' }))).toEqual(snapshot(reportExport(sample)));
  });

  it("counts the results of org and repository bindings for their template, by the environment's plan (truncated names too)", () => {
    const longRepo = 'pipelines-for-the-customer-data-warehouse-and-reports';
    const config = resolveConfig(tenantSources((e) => e.bindings.push({ org: 'shop', repository: longRepo, template: 'require-labels' })));
    const dev = config.environments.find((e) => e.name === 'dev')!;
    const truncated = policyName('shop', `repo-${longRepo}`, 'require-labels');
    expect(truncated).toHaveLength(63);
    const results: SyntheticResult[] = [
      {
        template: 'disallow-latest-tag',
        outcome: 'fail',
        namespace: 'shop-payments',
        name: 'api',
        policy: 'krate-shop-repo-payments-disallow-latest-tag',
      },
      {
        template: 'require-run-as-nonroot',
        outcome: 'fail',
        namespace: 'shop',
        name: 'web',
        policy: 'krate-shop-org-require-run-as-nonroot',
      },
      { template: 'require-labels', outcome: 'error', namespace: 'shop', name: 'etl', policy: truncated },
    ];
    const exported = readReportExport(reportExport(results), 'export.yaml');
    const s = evidenceSnapshot({
      environment: 'dev',
      org: 'a5c',
      date: '2026-11-22',
      templates: NAMES,
      policies: generatedPolicies(dev),
      exports: [exported],
    });
    expect(Object.fromEntries(Object.entries(s.templates).map(([t, e]) => [t, failingOf(e)]))).toEqual({
      'disallow-latest-tag': 1,
      'require-labels': 1,
      'require-run-as-nonroot': 1,
    });
    expect(s.unmatched.results).toBe(0);
    expect(summariseReports(reportExport(results), 'export.yaml', dev, 'disallow-latest-tag').failing).toBe(1);
  });

  it('maps a result to its template by the krate.a5c.ai/policy-template property when the policy name is not generated', () => {
    const text = `apiVersion: openreports.io/v1alpha1
kind: Report
metadata: { name: r, namespace: shop }
scope: { apiVersion: v1, kind: Pod, namespace: shop, name: p }
results:
  - policy: renamed-by-hand
    result: fail
    properties: { krate.a5c.ai/policy-template: require-labels@1.2.0 }
`;
    expect(snapshot(text).templates['require-labels']).toMatchObject({ policies: ['renamed-by-hand'], results: { fail: 1 } });
  });

  it('writes only what it can read back, whatever odd values an export holds', () => {
    const text = `apiVersion: wgpolicyk8s.io/v1alpha2
kind: PolicyReport
metadata: { name: r, namespace: shop }
scope: { apiVersion: v1, kind: 7, namespace: 5, name: [x] }
results:
  - { policy: ${'p'.repeat(500)}, result: fail, resources: not-a-list, properties: not-a-map, rule: 3 }
  - { policy: ${policyName('a5c', 'cluster', 'require-labels')}, result: fail, resources: [oops] }
`;
    const s = snapshot(text);
    expect(s.unmatched.policies[0]).toHaveLength(EVIDENCE_LIMITS.nameChars);
    expect(s.templates['require-labels'].failing).toEqual([{ namespace: CLUSTER_SCOPE, results: 1, resources: ['? ?'], moreResources: 0 }]);
    expect(parseOrThrow(EVIDENCE_SNAPSHOT, JSON.parse(formatSnapshot(s)), 'snapshot', 'fix')).toEqual(s);
  });

  it('is the same bytes for the same results in any order', () => {
    const shuffled = [...sample].reverse();
    expect(formatSnapshot(snapshot(reportExport(shuffled)))).toBe(formatSnapshot(snapshot(reportExport(sample))));
  });

  it('stays small whatever the cluster size: counts exact, lists capped with what they left out', () => {
    // 60 000 results: 2 000 namespaces × 15 resources, every template failing or passing.
    const many: SyntheticResult[] = [];
    for (let n = 0; n < 2000; n++)
      for (let r = 0; r < 15; r++)
        for (const template of ['require-labels', 'disallow-latest-tag'])
          many.push({ template, outcome: r % 3 === 0 ? 'pass' : 'fail', namespace: `ns-${n}`, name: `app-${r}-${'x'.repeat(240)}` });
    for (let p = 0; p < 100; p++) many.push({ template: 'x', outcome: 'pass', namespace: 'shop', name: 'w', policy: `other-${p}` });
    const text = reportExport(many);
    expect(text.length).toBeGreaterThan(20_000_000);
    const s = snapshot(text);
    const labels = s.templates['require-labels'];
    expect(labels.results).toEqual({ pass: 10_000, fail: 20_000, warn: 0, error: 0, skip: 0 });
    expect(labels.failing).toHaveLength(EVIDENCE_LIMITS.namespaces);
    expect(labels.failing[0].resources).toHaveLength(EVIDENCE_LIMITS.resources);
    expect(labels.failing[0].moreResources).toBe(10 - EVIDENCE_LIMITS.resources);
    expect(labels.failing[0].resources.every((r) => r.length <= EVIDENCE_LIMITS.nameChars)).toBe(true);
    expect(labels.moreNamespaces).toBe(2000 - EVIDENCE_LIMITS.namespaces);
    expect(labels.failing.reduce((n, f) => n + f.results, 0) + labels.moreFailing).toBe(20_000);
    expect(s.unmatched).toMatchObject({ results: 100, morePolicies: 100 - EVIDENCE_LIMITS.unmatchedPolicies });
    expect(formatSnapshot(s).length).toBeLessThan(40_000);
  });

  it('fails when a result has an outcome the report CRDs do not define', () => {
    const text = reportExport(sample).replace('"result": "warn"', '"result": "warning"');
    expect(() => snapshot(text)).toThrow(ConfigError);
    expect(() => snapshot(text)).toThrow(
      /export\.yaml: document 0: PolicyReport shop\/[0-9a-f-]+: results\[0\]: result "warning" is not one of pass\|fail\|warn\|error\|skip/,
    );
  });

  it('fails when a result names no policy', () => {
    const text = 'apiVersion: wgpolicyk8s.io/v1alpha2\nkind: ClusterPolicyReport\nmetadata: { name: c }\nresults:\n  - result: pass\n';
    expect(() => snapshot(text)).toThrow(
      'export.yaml: document 0: ClusterPolicyReport c: results[0]: no policy name (the CRDs require results[].policy)',
    );
  });

  it('fails when the export is not YAML', () => {
    expect(() => snapshot('items: [\n', 'broken.yaml')).toThrow(/broken\.yaml: document 0: YAML error/);
  });
});
