// What scan, validate and audit-rbac do with their inputs, run as users run them: nothing read is a
// failure, unrendered templates are bad input, findings and the summary go to stdout.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), ...args], { encoding: 'utf8', input, cwd: dir });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-inputs-'));
  mkdirSync(join(dir, 'empty-folder'));
  writeFileSync(join(dir, 'empty-folder', 'notes.md'), '# no manifests here\n');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'comments.yaml'), '# rendered later\n---\n---\n');
  mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'chart', 'templates', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  containers: [{name: c, image: nginx}]\n',
  );
  writeFileSync(
    join(dir, 'configmap.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { retries: 3 } }),
  );
  mkdirSync(join(dir, 'json'));
  writeFileSync(
    join(dir, 'json', 'settings.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { retries: 3 } }),
  );
  writeFileSync(
    join(dir, 'role.yaml'),
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n  - {apiGroups: [''], resources: [secrets], verbs: [list]}\n",
  );
  mkdirSync(join(dir, 'crds'));
  writeFileSync(
    join(dir, 'crds', 'widget.yaml'),
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {size: {type: integer}}}\n',
  );
  writeFileSync(
    join(dir, 'widget.yaml'),
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec: {size: 3}\n',
  );
  writeFileSync(
    join(dir, 'bad-widget.yaml'),
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec: {size: big}\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scan, validate and audit-rbac inputs', () => {
  const commands: Array<[string, string[]]> = [
    ['scan', ['scan']],
    ['validate', ['validate']],
    ['audit-rbac', ['audit-rbac']],
  ];

  it.each(commands)(
    '%s fails when its input holds no manifests (empty file, comments and --- only, a folder without manifests), exit 2',
    (_name, command) => {
      for (const path of ['empty.yaml', 'comments.yaml', 'empty-folder']) {
        const r = cli([...command, path]);
        expect([path, r.status]).toEqual([path, 2]);
        expect(r.stderr).toContain(`error: no manifests found in ${path}: nothing to check`);
        expect(r.stdout).toBe('');
      }
    },
  );

  it('scan fails when stdin holds no manifests (exit 2)', () => {
    const r = cli(['scan', '-'], '# nothing\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: no manifests found in -: nothing to check');
  });

  it.each(commands)('%s fails when given an unrendered Helm template, naming file, document and field (exit 2)', (_name, command) => {
    const r = cli([...command, 'chart']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: chart/templates/pod.yaml: document 0: metadata.name is a map, not a string (an unrendered Helm template? render it with helm template first)',
    );
    expect(r.stdout).toBe('');
  });

  it('scan exits 1 when a policy cannot be evaluated, in audit mode too', () => {
    const r = cli(['scan', '--all-templates', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: shop}\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ERROR {2}audit {4}krate-scan-cluster-\S+ {2}Pod\/shop\/bare {2}/m);
    expect(r.stdout).toMatch(/scan \(all templates in audit, \d+ policies\): \d+ pass, \d+ fail, \d+ skip, [1-9]\d* error/);
  });

  it("validate reads a folder's .json files and prints findings and the summary on stdout (exit 1)", () => {
    const r = cli(['validate', 'json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('json/settings.json: ConfigMap/shop/settings: data.retries: must be string');
    expect(r.stdout).toMatch(/^validate: 1 manifests in 1 files, 1 schema finding\(s\)/m);
    expect(r.stderr).toBe('');
  });

  it("validate --crd validates custom resources against the user's CRD (a file or a folder)", () => {
    const ok = cli(['validate', '--crd', 'crds', 'widget.yaml']);
    expect(ok.stdout).toMatch(/^validate: 1 manifests in 1 files, 1 CRD\(s\) from --crd, 0 schema finding\(s\)/m);
    expect(ok.status).toBe(0);
    const bad = cli(['validate', '--crd=crds/widget.yaml', 'bad-widget.yaml']);
    expect(bad.stdout).toContain('bad-widget.yaml: Widget/shop/w: spec.size: must be integer');
    expect(bad.status).toBe(1);
  });

  it('validate keeps an unknown kind an error, suggesting --crd or --skip-kind; --skip-kind skips it on purpose and counts it', () => {
    const unknown = cli(['validate', 'widget.yaml']);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('give its CRD with --crd <file|dir>, or skip the kind on purpose with --skip-kind example.com/Widget');
    const skipped = cli(['validate', '--skip-kind', 'example.com/Widget', '--skip-kind', 'Gadget', 'widget.yaml', 'configmap.json']);
    expect(skipped.stdout).toMatch(
      /^validate: 1 manifests in 2 files, 1 skipped on purpose \(--skip-kind example\.com\/Widget: 1, --skip-kind Gadget: 0\), 1 schema finding\(s\)/m,
    );
    expect(skipped.status).toBe(1);
  });

  it('validate fails when a --crd path is missing or holds no CRD, or --skip-kind is malformed (exit 2)', () => {
    const missing = cli(['validate', '--crd', 'nope.yaml', 'widget.yaml']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('error: --crd: nope.yaml: no such file or folder');
    const noCrd = cli(['validate', '--crd', 'widget.yaml', 'widget.yaml']);
    expect(noCrd.status).toBe(2);
    expect(noCrd.stderr).toContain('error: --crd widget.yaml: no CustomResourceDefinition found (1 other object(s))');
    const bad = cli(['validate', '--skip-kind', 'apps/v1/Deployment', 'widget.yaml']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error: --skip-kind: 'apps/v1/Deployment' is not Kind or group/Kind");
    expect(cli(['validate', '--crd']).stderr).toContain('error: --crd: needs a value');
    expect(cli(['validate', '--outptu', 'json']).stderr).toContain('error: --outptu: unknown option');
  });

  it('validate --output json prints {"findings":[...],"summary":{...}} on stdout', () => {
    const r = cli(['validate', '--output', 'json', '--skip-kind', 'Widget', 'configmap.json', 'widget.yaml']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['findings', 'summary']);
    expect(out.findings).toEqual([
      { file: 'configmap.json', resource: 'ConfigMap/shop/settings', field: 'data.retries', message: 'must be string' },
    ]);
    expect(out.summary).toMatchObject({ manifests: 2, files: 2, validated: 1, skipped: { Widget: 1 }, crds: 0, findings: 1 });
    expect(['passed', 'failed', 'not on PATH']).toContain(out.summary.kubeconform);
  });

  it('audit-rbac prints findings and the summary on stdout; --output json prints {"findings":[...],"summary":{...}}', () => {
    const table = cli(['audit-rbac', 'role.yaml']);
    expect(table.status).toBe(1);
    expect(table.stdout).toBe(
      "role.yaml: ClusterRole/r: rules[0].resources: no-secrets: grants access to Secrets; remove 'secrets' from this rule\naudit-rbac: 1 Role/ClusterRole(s) in 1 file(s), 1 finding(s)\n",
    );
    expect(table.stderr).toBe('');
    const json = cli(['audit-rbac', '--output', 'json', 'role.yaml']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      findings: [
        {
          file: 'role.yaml',
          resource: 'ClusterRole/r',
          field: 'rules[0].resources',
          rule: 'no-secrets',
          message: "grants access to Secrets; remove 'secrets' from this rule",
        },
      ],
      summary: { roles: 1, manifests: 1, files: 1, findings: 1 },
    });
    expect(cli(['audit-rbac', '--output', 'yaml', 'role.yaml']).stderr).toContain("error: --output: 'yaml' is not one of table|json");
  });

  it('audit-rbac fails when the manifests hold no Role or ClusterRole (exit 2)', () => {
    const r = cli(['audit-rbac', 'widget.yaml', 'configmap.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: no Roles or ClusterRoles found in widget.yaml, configmap.json (2 manifest(s) read, none a Role or ClusterRole): nothing to audit',
    );
  });
});
