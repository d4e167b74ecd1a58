// Every template's good and bad fixtures through the same code path as `krate-policy scan`
// (readInputs → every template's policy → PolicySet.scan), plus the meta-test that every template has both.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readInputs } from '../../cli/commands/scan';
import { TEMPLATES } from '../../policies';
import { readManifests } from '../../lib/manifests';
import { PolicySet } from '../../analysis/scan';
import { allTemplatePolicies } from '../support/fixtures';
import { formatFinding, SchemaValidator } from '../../analysis/schema';

const ROOT = __dirname;
const CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];
const fixture = (pack: string, template: string, which: 'good' | 'bad') => join(ROOT, pack, template, `${which}.yaml`);

let set: PolicySet;
beforeAll(async () => {
  set = new PolicySet(allTemplatePolicies());
});

describe('policy fixtures (meta)', () => {
  it.each(TEMPLATES.map((t) => [t.name, t]))('%s has good and bad fixtures (pod templates: a Pod and a controller in each)', (_name, t) => {
    for (const which of ['good', 'bad'] as const) {
      const file = fixture(t.pack, t.name, which);
      expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
      const kinds = readInputs([file]).map((i) => i.manifest.kind);
      expect(kinds.length).toBeGreaterThan(0);
      if (t.podControllers) {
        expect({ file, hasPod: kinds.includes('Pod'), hasController: kinds.some((k) => CONTROLLER_KINDS.includes(k)) }).toEqual({
          file,
          hasPod: true,
          hasController: true,
        });
      }
    }
  });

  it('has no fixture folder for a template that does not exist, and every controller kind is exercised', () => {
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((pack) => readdirSync(join(ROOT, pack.name)).map((t) => `${pack.name}/${t}`));
    expect(folders.sort()).toEqual(TEMPLATES.map((t) => `${t.pack}/${t.name}`).sort());
    const kinds = new Set(
      TEMPLATES.filter((t) => t.podControllers).flatMap((t) => readInputs([fixture(t.pack, t.name, 'bad')]).map((i) => i.manifest.kind)),
    );
    for (const k of CONTROLLER_KINDS) expect(kinds).toContain(k);
  });
});

describe('policy fixtures (schema)', () => {
  it('are valid Kubernetes objects, except the one that carries a quantity the API server would reject', async () => {
    const items = readManifests([ROOT]).filter((i) => !i.manifest.apiVersion.startsWith('krate.a5c.ai/'));
    const findings = (await new SchemaValidator().validate(items)).map(formatFinding);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      expect(f).toMatch(
        /require-resource-limits\/bad\.yaml: \w+\/shop\/bad-4(-\w+)?: (spec\.template\.)?spec\.containers\[0\]\.resources\.limits\.cpu: /,
      );
  });
});

describe('policy fixtures (results)', () => {
  it.each(TEMPLATES.flatMap((t) => (['good', 'bad'] as const).map((w) => [`${t.name} ${w}`, t, w] as const)))('%s', (_label, t, which) => {
    const items = readInputs([fixture(t.pack, t.name, which)]);
    const results = set.scan(items).results.filter((r) => r.template === t.name);
    // Image signatures can only be verified at admission: scan matches these resources and skips them.
    const expected = t.kind === 'ImageValidatingPolicy' ? 'skip' : which === 'good' ? 'pass' : 'fail';
    // Exactly one result per resource, each the expected one.
    expect(
      results.map((r) => `${r.resource.kind}/${r.resource.name}: ${r.result === expected ? expected : `${r.result}: ${r.message}`}`),
    ).toEqual(items.map((i) => `${i.manifest.kind}/${i.manifest.metadata.name}: ${expected}`));
  });
});
