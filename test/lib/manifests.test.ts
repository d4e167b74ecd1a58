import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { documentLines, objectName, parseManifests, readInputManifests, readManifests, resourceId } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';
import { problemsOf as problems } from '../support/problems';

const ids = (text: string) => parseManifests(text, 'in.yaml').map((i) => `${i.manifest.apiVersion} ${resourceId(i.manifest)} @${i.index}`);
const HINT = '(an unrendered Helm template? render it with helm template first)';

describe('parseManifests', () => {
  it('fails when metadata.name is a map (an unrendered Helm template), naming file, document and field', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n';
    expect(problems(() => parseManifests(text, 'chart/templates/pod.yaml'))).toEqual([
      `chart/templates/pod.yaml: document 1: metadata.name is a map, not a string ${HINT}`,
    ]);
  });

  it('fails when a Helm placeholder is in any other field, naming the field and the placeholder', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image }}\n';
    expect(problems(() => parseManifests(text, 'd.yaml'))).toEqual([
      "d.yaml: document 0: spec.replicas: '{{ .Values.replicas }}' reads as a map, not a value (an unrendered Helm template? render it with helm template first; 2 placeholders in this document)",
    ]);
    expect(
      problems(() =>
        parseManifests(
          'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: {{ .Values.image }}}]}\n',
          'p.yaml',
        ),
      ),
    ).toEqual([`p.yaml: document 0: spec.containers[0].image: '{{ .Values.image }}' reads as a map, not a value ${HINT}`]);
  });

  it('fails when a Helm directive breaks the YAML, with the same hint', () => {
    expect(problems(() => parseManifests('{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\n', 't.yaml'))[0]).toMatch(
      /^t\.yaml: document 0: YAML error: .*\(an unrendered Helm template\? render it with helm template first\)$/,
    );
  });

  it('fails when kind, apiVersion, metadata.namespace or metadata.generateName is not a string', () => {
    expect(problems(() => parseManifests('apiVersion: v1\nkind: {{ .Values.kind }}\nmetadata: {name: a}\n', 'k.yaml'))).toEqual([
      `k.yaml: document 0: kind is a map, not a string ${HINT}`,
    ]);
    expect(problems(() => parseManifests('apiVersion: 1\nkind: Pod\nmetadata: {name: a}\n', 'v.yaml'))).toEqual([
      'v.yaml: document 0: apiVersion is a number, not a string (quote it: apiVersion: "1")',
    ]);
    expect(problems(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: [x]}\n', 'n.yaml'))).toEqual([
      'n.yaml: document 0: metadata.namespace is a list, not a string',
    ]);
    expect(problems(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {generateName: true}\n', 'g.yaml'))).toEqual([
      'g.yaml: document 0: metadata.generateName is a boolean, not a string (quote it: generateName: "true")',
    ]);
    expect(problems(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: [a]\n', 'm.yaml'))).toEqual([
      'm.yaml: document 0: metadata is a list, not a map',
    ]);
  });

  it('fails when metadata.name is a number, saying how to quote it', () => {
    expect(problems(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 1234}\n', 'c.yaml'))).toEqual([
      'c.yaml: document 0: metadata.name is a number, not a string (quote it: name: "1234")',
    ]);
  });

  it('reports every bad document of a text together', () => {
    const text =
      'just: data\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: {{ x }}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: fine}\n';
    expect(problems(() => parseManifests(text, 'all.yaml'))).toEqual([
      'all.yaml: document 0: not a Kubernetes object (needs apiVersion and kind)',
      `all.yaml: document 1: metadata.name is a map, not a string ${HINT}`,
    ]);
  });

  it('keeps a generateName-only object, named by its generateName', () => {
    expect(ids('apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: backup-, namespace: ops}\n')).toEqual([
      'batch/v1 Job/ops/backup- @0',
    ]);
  });

  it('keeps the items of a List (kind: List and typed lists, nested too); a typed list gives its kind to items without one', () => {
    const text = [
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Secret, metadata: {name: b}}]}\n',
      'apiVersion: v1\nkind: PodList\nitems:\n  - {metadata: {name: p}}\n  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n',
      'apiVersion: v1\nkind: List\nitems: []\n',
    ].join('---\n');
    expect(ids(text)).toEqual(['v1 ConfigMap/a @0', 'v1 Secret/b @0', 'v1 Pod/p @1', 'apps/v1 Deployment/d @1']);
  });

  it('fails when a List item is not an object or items is not a list, naming the item', () => {
    expect(
      problems(() =>
        parseManifests(
          'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {metadata: {name: b}}\n',
          'l.yaml',
        ),
      ),
    ).toEqual(['l.yaml: document 0: items[1]: not a Kubernetes object (needs apiVersion and kind)']);
    expect(problems(() => parseManifests('apiVersion: v1\nkind: ConfigMapList\nitems: {a: 1}\n', 'l.yaml'))).toEqual([
      'l.yaml: document 0: items is a map, not a list (a ConfigMapList holds its objects in items)',
    ]);
  });

  it('reads JSON: one object or a List', () => {
    expect(ids('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}')).toEqual(['v1 ConfigMap/j @0']);
    expect(
      ids('{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j1"}}]}'),
    ).toEqual(['v1 ConfigMap/j1 @0']);
  });
});

describe('readManifests and readInputManifests', () => {
  let dir: string;
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
  const names = (paths: string[]) => readManifests(paths, { base: dir }).map((i) => `${i.file}:${i.manifest.metadata.name}`);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'manifests-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a folder's .json files like its .yaml and .yml files, and nothing else", () => {
    writeFileSync(join(dir, 'a.yaml'), cm('a'));
    writeFileSync(join(dir, 'b.yml'), cm('b'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    writeFileSync(
      join(dir, 'd.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } }] }),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not: read\n');
    expect(names([dir])).toEqual(['a.yaml:a', 'b.yml:b', 'c.json:c', 'd.json:d']);
  });

  it('keeps reading when a folder links to a file and loops back to itself through a link', () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'shared.yaml'), cm('shared'));
    writeFileSync(join(dir, 'app', 'own.yaml'), cm('own'));
    symlinkSync(join(dir, 'shared.yaml'), join(dir, 'app', 'linked.yaml'));
    symlinkSync(dir, join(dir, 'app', 'loop'));
    // app/loop → dir is read once (dir's files once), and shared.yaml once although two paths reach it.
    expect(names([join(dir, 'app')])).toEqual(['app/linked.yaml:shared', 'app/own.yaml:own']);
    expect(names([dir])).toEqual(['app/linked.yaml:shared', 'app/own.yaml:own']);
  });

  it('fails when a link in a folder is broken, naming it', () => {
    writeFileSync(join(dir, 'a.yaml'), cm('a'));
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'b.yaml'));
    expect(problems(() => readManifests([dir], { base: dir }))).toEqual([
      `b.yaml: broken symbolic link (to ${join(dir, 'gone.yaml')}); remove it or fix its target`,
    ]);
  });

  it('fails when a path holds no manifests: an empty file, only comments and ---, an empty folder', () => {
    writeFileSync(join(dir, 'empty.yaml'), '');
    writeFileSync(join(dir, 'comments.yaml'), '# nothing yet\n---\n---\n');
    mkdirSync(join(dir, 'none'));
    writeFileSync(join(dir, 'none', 'README.md'), '# not a manifest\n');
    writeFileSync(join(dir, 'full.yaml'), cm('full'));
    const paths = ['empty.yaml', 'comments.yaml', 'none', 'full.yaml'].map((p) => join(dir, p));
    expect(problems(() => readInputManifests(paths, { base: dir }))).toEqual([
      `no manifests found in ${paths.slice(0, 3).join(', ')}: nothing to check (a folder's .yaml, .yml and .json files are read; comments, '---' and empty documents hold no object)`,
    ]);
    expect(readInputManifests([paths[3], paths[3]], { base: dir }).map((i) => i.manifest.metadata.name)).toEqual(['full']);
  });

  it('fails when stdin holds no manifests, and reads stdin once', () => {
    expect(problems(() => readInputManifests(['-'], { stdin: () => '# empty\n' }))[0]).toMatch(/^no manifests found in -: /);
    let reads = 0;
    const stdin = () => (reads++, cm('s'));
    expect(readInputManifests(['-', '-'], { stdin }).length).toBe(1);
    expect(reads).toBe(1);
  });

  it('fails when a path does not exist', () => {
    expect(problems(() => readManifests([join(dir, 'nope.yaml')]))).toEqual([`${join(dir, 'nope.yaml')}: no such file or folder`]);
  });
});

describe('parseManifests aliases', () => {
  it('fails when an alias names an anchor of another document, naming file and document (no stack trace)', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: *d\n';
    expect(problems(() => parseManifests(text, 'two.yaml'))).toEqual([
      'two.yaml: document 1: YAML error: Unresolved alias (the anchor must be set before the alias): d (anchors apply within their own document)',
    ]);
  });
});

describe('document start lines', () => {
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
  const lines = (text: string) => parseManifests(text, 'in.yaml').map((i) => `${objectName(i.manifest)}@${i.line}`);

  it('gives the line where each document’s content starts: after ---, comments and blank lines, a List’s items its line', () => {
    expect(lines(cm('a'))).toEqual(['a@1']);
    expect(lines(`---\n${cm('a')}---\n# Source: chart/templates/b.yaml\n\n${cm('b')}`)).toEqual(['a@2', 'b@8']);
    expect(lines(`# header\n---\n${cm('a')}---\n---\n${cm('b')}...\n${cm('c')}`)).toEqual(['a@3', 'b@8', 'c@12']);
    expect(lines(`--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n--- # next\n${cm('b')}`)).toEqual(['a@1', 'b@3']);
    // A `---` inside a block scalar is indented, so it is content, not a marker.
    expect(lines(`${cm('a')}data:\n  x: |\n    ---\n    y\n---\n${cm('b')}`)).toEqual(['a@1', 'b@9']);
    expect(
      lines(
        `${cm('x')}---\napiVersion: v1\nkind: List\nitems:\n  - ${cm('i1').replace(/\n(?!$)/g, '\n    ')}  - ${cm('i2').replace(/\n(?!$)/g, '\n    ')}`,
      ),
    ).toEqual(['x@1', 'i1@5', 'i2@5']);
    expect(lines(`\n\n${JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' } })}`)).toEqual(['j@3']);
    // Anchors send the text to `yaml`: same lines.
    expect(lines(`${cm('a')}data: &d {k: v}\nmore: *d\n---\n# c\n${cm('b')}`)).toEqual(['a@1', 'b@8']);
  });

  it('counts lines alike with CRLF line endings and after a byte order mark', () => {
    const text = `---\n${cm('a')}data:\n  x: |\n    ---\n---\n# c\n${cm('b')}`;
    const crlf = text.replace(/\n/g, '\r\n');
    expect(lines(crlf)).toEqual(['a@2', 'b@10']);
    expect(lines(`\ufeff${text}`)).toEqual(['a@2', 'b@10']);
    expect(lines(`\ufeff${crlf}`)).toEqual(['a@2', 'b@10']);
    expect(lines(`\ufeff# header\n${cm('a')}`)).toEqual(['a@2']);
  });

  it('agrees with yaml’s own document ranges on every YAML file of the repository (and Kyverno’s policies, when present)', () => {
    const walk = (dir: string, out: string[] = []): string[] => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', '.git', '.build', '.tools'].includes(e.name)) continue;
        if (e.isDirectory()) walk(join(dir, e.name), out);
        else if (/\.ya?ml$/.test(e.name)) out.push(join(dir, e.name));
      }
      return out;
    };
    const upstream = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
    const differ: string[] = [];
    let checked = 0;
    for (const file of [...walk(REPO_ROOT), ...(existsSync(upstream) ? walk(upstream) : [])]) {
      const text = readFileSync(file, 'utf8');
      const docs = parseAllDocuments(text);
      // Unrendered Helm templates are not manifests (and yaml warns converting their placeholder keys).
      if (text.includes('{{') || docs.some((d) => d.errors.length > 0)) continue;
      checked++;
      // Empty documents hold no object, so only their count matters.
      const expected = docs.map((d) => (d.toJS() == null ? 0 : text.slice(0, d.contents!.range![0]).split('\n').length));
      const got = documentLines(text).map((line, i) => (expected[i] === 0 ? 0 : line));
      if (JSON.stringify(got) !== JSON.stringify(expected)) differ.push(file);
    }
    expect(differ).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});
