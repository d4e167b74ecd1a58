// The template library's folders, checked as they are in the repository: `krate-policy test
// policies/` passes, the generated catalog, policy files and README tables are in step, and every
// folder is a template with a suite that proves something (analysis/template-suites.ts).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInputs } from '../../cli/commands/scan';
import { catalogProblems, catalogSource, CATALOG_FILE, generatedFiles, listTemplateFolders, staleFiles } from '../../cli/template-folders';
import { formatTable, summaryLine } from '../../analysis/kyverno-test/report';
import { runTests } from '../../analysis/kyverno-test/runner';
import { loadSuites } from '../../analysis/kyverno-test/suite';
import { PolicySet } from '../../analysis/scan';
import { formatFinding, SchemaValidator } from '../../analysis/schema';
import { POD_CONTROLLER_KINDS, templateSuiteProblems } from '../../analysis/template-suites';
import { REPO_ROOT } from '../../lib/paths';
import { readManifests } from '../../lib/manifests';
import { findTemplate, TEMPLATES } from '../../policies';
import { TEMPLATE_CATALOG, TEMPLATE_FOLDERS } from '../../policies/catalog';
import { podControllersOf, policyKindOf } from '../../policies/render';
import { TEMPLATE_FOLDER_FILES } from '../../policies/suite';
import { allTemplatePolicies } from '../support/fixtures';
import { templateCaseFiles } from '../support/template-suites';

const POLICIES = join(REPO_ROOT, 'policies');
const CLUSTER_READ = 'reads other objects in the cluster';
const folders = listTemplateFolders(REPO_ROOT);
const suiteFile = (key: string) => join(POLICIES, key, TEMPLATE_FOLDER_FILES.test);

describe('krate-policy test policies/', () => {
  it('runs every template suite and every expected result holds', () => {
    const report = runTests([POLICIES]);
    if (report.failed > 0) throw new Error(`krate-policy test policies/ failed:\n${formatTable(report)}`);
    expect(report.suites.map((s) => s.file).sort()).toEqual(folders.map((f) => `policies/${f.key}/${TEMPLATE_FOLDER_FILES.test}`).sort());
    expect(report.passed).toBeGreaterThan(0);
    expect(summaryLine(report)).toBe(`${report.passed} passed, 0 failed`);
  });
});

describe('template folders (meta)', () => {
  it('policies/catalog.ts lists exactly the template folders present (npx krate-policy generate writes it)', () => {
    expect(catalogProblems(folders, { folders: TEMPLATE_FOLDERS, templates: TEMPLATE_CATALOG })).toEqual([]);
    expect({ file: CATALOG_FILE, inStep: readFileSync(join(REPO_ROOT, CATALOG_FILE), 'utf8') === catalogSource(folders) }).toEqual({
      file: CATALOG_FILE,
      inStep: true,
    });
  });

  it("every policy.yaml and the README's template tables are what the templates generate (npx krate-policy generate)", () => {
    expect(staleFiles(REPO_ROOT, generatedFiles(REPO_ROOT, TEMPLATES))).toEqual([]);
  });

  it.each(folders.map((f) => [f.key, f]))('%s: template.ts, and a suite that tests it both ways', (_key, f) => {
    const template = findTemplate(f.name)!;
    expect({ folder: f.key, pack: template?.pack }).toEqual({ folder: f.key, pack: f.pack });
    expect(templateSuiteProblems(join(POLICIES, f.key), template, `policies/${f.key}`)).toEqual([]);
  });

  it('exercises every pod controller kind across the Pod templates’ fail cases', () => {
    const kinds = new Set(
      TEMPLATES.filter((t) => podControllersOf(t).length > 0).flatMap((t) => {
        const [suite] = loadSuites(suiteFile(`${t.pack}/${t.name}`));
        const failing = suite.results.filter((r) => r.result === 'fail');
        return suite.resources.filter((d) => failing.some((r) => r.kind === d.manifest.kind)).map((d) => d.manifest.kind);
      }),
    );
    for (const k of POD_CONTROLLER_KINDS) expect([k, kinds.has(k)]).toEqual([k, true]);
  });
});

describe('template suites and scan', () => {
  it('scan gives every suite resource the result its suite expects (image templates: skip; context-aware ones: that or skip, never the opposite)', () => {
    const set = new PolicySet(allTemplatePolicies());
    const disagreements: string[] = [];
    for (const f of folders) {
      const template = findTemplate(f.name)!;
      const [suite] = loadSuites(suiteFile(f.key));
      const results = set.scan(readInputs([...new Set(suite.resources.map((d) => resolve(d.file)))])).results;
      for (const r of suite.results) {
        for (const d of suite.resources.filter((x) => x.manifest.kind === r.kind && r.resources.includes(x.manifest.metadata.name))) {
          const expected = policyKindOf(template) === 'ImageValidatingPolicy' ? 'skip' : r.result;
          const got = results.filter(
            (x) => x.template === f.name && x.resource.kind === d.manifest.kind && x.resource.name === d.manifest.metadata.name,
          );
          const outcome = got.map((x) => x.result).join(',') || 'no result';
          // A template that reads the cluster (resource.Get/List) is decided by Kyverno there: scan skips it, saying so.
          const readsCluster = got.length > 0 && got.every((x) => x.result === 'skip' && x.message.includes(CLUSTER_READ));
          if (outcome !== expected && !readsCluster)
            disagreements.push(`${f.key}: ${d.manifest.kind}/${d.manifest.metadata.name}: suite ${r.result}, scan ${outcome}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('holds valid Kubernetes objects, except the one that carries a quantity the API server would reject', async () => {
    const items = readManifests(templateCaseFiles()).filter((i) => !i.manifest.apiVersion.startsWith('krate.a5c.ai/'));
    const findings = (await new SchemaValidator().validate(items)).map(formatFinding);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      expect(f).toMatch(
        /require-resource-limits\/bad\.yaml: \w+\/shop\/bad-4(-\w+)?: (spec\.template\.)?spec\.containers\[0\]\.resources\.limits\.cpu: /,
      );
  });
});
