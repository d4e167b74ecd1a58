import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../lib/errors';
import { resourceId, type Manifest } from '../lib/manifests';
import { makeFolders, readTree } from '../lib/tree';

// ---------------------------------------------------------------------------------------------
// Rendering a git ref and the working tree side by side, without touching the checkout
// ---------------------------------------------------------------------------------------------

function run(cmd: string, args: readonly string[], cwd: string, input?: Buffer): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Extracts the tree of `ref` into `dir` with `git archive` (no worktree metadata, no checkout change). */
export function materializeRef(repo: string, ref: string, dir: string): void {
  const verify = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repo);
  if (verify.status !== 0) {
    throw new ConfigError([
      `--base: '${ref}' is not a commit in ${repo} (fix: pass a branch, tag or sha that exists, e.g. fetch it first with \`git fetch origin main\`)`,
    ]);
  }
  const archive = run('git', ['archive', '--format=tar', verify.stdout.toString().trim()], repo);
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed:\n${archive.stderr}`);
  makeFolders(dir);
  const untar = run('tar', ['-x', '-f', '-', '-C', dir], repo, archive.stdout);
  if (untar.status !== 0) throw new Error(`extracting ${ref} failed:\n${untar.stderr}`);
}

/**
 * Top-level entries of the working tree that are never copied: synth does not read them, and
 * copying them is wrong or slow. node_modules and .tools are linked from the checkout by
 * renderCheckout (a user's own node_modules is often a symlink, perhaps relative, that would
 * dangle in the copy); .build is rebuilt from the copied sources; .git is the repository itself;
 * dist/ is what is being re-rendered.
 */
const NOT_COPIED = new Set(['node_modules', '.tools', '.build', '.git', 'dist']);

/**
 * Copies the working tree's tracked and untracked (not ignored) files into `dir`: uncommitted edits
 * included. A symbolic link is copied as a link (its target text unchanged, as `git archive` does
 * for the base), never followed: git lists a link to a folder as one entry, so following it would
 * copy a folder (or loop, or fail on a dangling link); a relative link inside the checkout still
 * resolves in the copy.
 */
export function materializeWorkingTree(repo: string, dir: string): void {
  const ls = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repo);
  if (ls.status !== 0) throw new ConfigError([`${repo}: not a git checkout (diff needs git): ${ls.stderr.trim()}`]);
  makeFolders(dir);
  for (const file of ls.stdout.toString().split('\0')) {
    if (!file || NOT_COPIED.has(file.split('/')[0])) continue;
    const from = join(repo, file);
    // A deleted-but-tracked file is simply skipped.
    const stat = lstatSync(from, { throwIfNoEntry: false });
    if (!stat) continue;
    const to = join(dir, file);
    makeFolders(dirname(to));
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (stat.isFile()) copyFileSync(from, to);
    // Anything else git lists (a submodule's folder) holds nothing synth reads.
  }
}

/**
 * Builds and synthesizes a materialized checkout into `<dir>/.krate-rendered` with its own sources
 * (node_modules and .tools linked from `repo`) and returns the rendered tree.
 */
export function renderCheckout(repo: string, dir: string, label: string): Map<string, string> {
  for (const link of ['node_modules', '.tools']) {
    // Whatever a checkout holds there (a tracked link, say) is replaced by the checkout's own.
    rmSync(join(dir, link), { recursive: true, force: true });
    symlinkSync(join(repo, link), join(dir, link));
  }
  const out = join(dir, '.krate-rendered');
  const build = run(process.execPath, ['scripts/build.mjs'], dir);
  if (build.status !== 0) throw new ConfigError([`${label}: build failed (does it predate the synth CLI?):\n${build.stderr.trim()}`]);
  const synth = run(process.execPath, ['.build/cli/main.mjs', 'synth', '--out', out], dir);
  if (synth.status !== 0) throw new ConfigError([`${label}: synth failed:\n${synth.stderr.trim()}`]);
  return readTree(out);
}

/** Renders `base` and the working tree of `repo` in temporary folders, removed afterwards. */
export function renderBaseAndWorkingTree(repo: string, base: string): { base: Map<string, string>; head: Map<string, string> } {
  const tmp = mkdtempSync(join(tmpdir(), 'krate-diff-'));
  try {
    materializeRef(repo, base, join(tmp, 'base'));
    materializeWorkingTree(repo, join(tmp, 'head'));
    return {
      base: renderCheckout(repo, join(tmp, 'base'), `--base ${base}`),
      head: renderCheckout(repo, join(tmp, 'head'), 'working tree'),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing two rendered trees
// ---------------------------------------------------------------------------------------------

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ResourceChange {
  readonly env: string;
  readonly app: string;
  /** kind/namespace/name */
  readonly id: string;
  readonly change: ChangeKind;
  /** Compact field diff lines (`path: old → new`, `+ path: value`, `- path: value`). */
  readonly fields: readonly string[];
}

export interface DiffReport {
  readonly changes: readonly ResourceChange[];
  /** `prod: disallow-privileged-containers Audit → Enforce` */
  readonly modeChanges: readonly string[];
  readonly exceptions: readonly string[];
  readonly rbac: readonly string[];
  readonly chartVersions: readonly string[];
}

interface Located {
  readonly env: string;
  readonly app: string;
  readonly manifest: Manifest;
}

/** Every manifest of a rendered tree keyed by env/app/kind/namespace/name. */
function index(tree: ReadonlyMap<string, string>): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [path, text] of tree) {
    const [env, app] = path.split('/');
    const manifest = parse(text) as Manifest | null;
    if (!manifest || typeof manifest !== 'object' || !manifest.kind) continue;
    out.set(`${env}/${app}/${resourceId(manifest)}`, { env, app, manifest });
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? 'absent' : typeof v === 'string' && v !== '' ? v : JSON.stringify(v));
const isScalarArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');

/** Leaf paths of an object; arrays of scalars are one leaf (`[Audit]`), arrays of objects are indexed. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !isScalarArray(value)) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v] as const)
      : Object.entries(value).map(([k, v]) => [prefix ? `.${k}` : k, v] as const);
    if (entries.length === 0) out.set(prefix, value);
    for (const [k, v] of entries) flatten(v, `${prefix}${k}`, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Compact field diff between two objects (metadata noise excluded by the caller's choice of object). */
export function fieldDiff(before: unknown, after: unknown): string[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const lines: string[] = [];
  for (const [path, v] of b) {
    if (!a.has(path)) lines.push(`+ ${path}: ${show(v)}`);
    else if (JSON.stringify(a.get(path)) !== JSON.stringify(v)) lines.push(`${path}: ${show(a.get(path))} → ${show(v)}`);
  }
  for (const [path, v] of a) if (!b.has(path)) lines.push(`- ${path}: ${show(v)}`);
  return lines;
}

/** What a policy does, in reviewers' words: Enforce (Deny), Audit, Warn. Undefined for non-policies. */
export function policyMode(m: Manifest | undefined): string | undefined {
  if (!m) return undefined;
  const spec = (m.spec ?? {}) as Record<string, unknown>;
  if (Array.isArray(spec.validationActions)) {
    const actions = spec.validationActions as string[];
    return actions.includes('Deny')
      ? 'Enforce'
      : actions.includes('Audit')
        ? 'Audit'
        : actions.includes('Warn')
          ? 'Warn'
          : actions.join('+');
  }
  if (m.apiVersion.startsWith('kyverno.io/') && typeof spec.validationFailureAction === 'string') {
    return /^enforce$/i.test(spec.validationFailureAction) ? 'Enforce' : 'Audit';
  }
  return undefined;
}

/** The template a policy was rendered from (annotation `krate.a5c.ai/policy-template: name@version`), else its name. */
function policyLabel(m: Manifest): string {
  const annotations = (m.metadata.annotations ?? {}) as Record<string, string>;
  const template = annotations['krate.a5c.ai/policy-template'];
  return template ? template.split('@')[0] : m.metadata.name;
}

const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/** The fields of an Argo CD Application spec (or an ApplicationSet's template spec) chartSources reads. */
interface ApplicationSpec {
  readonly source?: ApplicationSource;
  readonly sources?: readonly ApplicationSource[];
}

interface ApplicationSource {
  readonly chart?: string;
  readonly targetRevision?: string;
}

/** The fields of a PolicyException spec the diff's callout reads. */
interface PolicyExceptionSpec {
  readonly policyRefs?: ReadonlyArray<{ readonly name?: string }>;
  readonly expiresAt?: string;
}

/** Helm chart sources of an Application or ApplicationSet template: `chart@version`. */
function chartSources(m: Manifest | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!m || !m.apiVersion.startsWith('argoproj.io/')) return out;
  const spec =
    m.kind === 'ApplicationSet'
      ? (m.spec as { readonly template?: { readonly spec?: ApplicationSpec } } | undefined)?.template?.spec
      : (m.spec as ApplicationSpec | undefined);
  for (const s of [spec?.source, ...(spec?.sources ?? [])]) if (s?.chart) out.set(s.chart, String(s.targetRevision));
  return out;
}

/** Compares two rendered trees (path → YAML) resource by resource and collects what reviewers must see first. */
export function diffTrees(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): DiffReport {
  const a = index(base);
  const b = index(head);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: ResourceChange[] = [];
  const modeChanges = new Set<string>();
  const exceptions: string[] = [];
  const rbac: string[] = [];
  const chartVersions = new Set<string>();
  for (const key of keys) {
    const before = a.get(key);
    const after = b.get(key);
    const at = (after ?? before)!;
    const change: ChangeKind = !before ? 'added' : !after ? 'removed' : 'changed';
    const fields = change === 'changed' ? fieldDiff(before!.manifest, after!.manifest) : [];
    if (change === 'changed' && fields.length === 0) continue;
    const id = resourceId(at.manifest);
    changes.push({ env: at.env, app: at.app, id, change, fields });

    const from = policyMode(before?.manifest);
    const to = policyMode(after?.manifest);
    if ((from || to) && from !== to) modeChanges.add(`${at.env}: ${policyLabel(at.manifest)} ${from ?? 'absent'} → ${to ?? 'absent'}`);
    const sign = { added: '+', removed: '-', changed: '~' }[change];
    if (at.manifest.kind === 'PolicyException') {
      const spec = (at.manifest.spec ?? {}) as PolicyExceptionSpec;
      const refs = (spec.policyRefs ?? []).map((r) => r.name).join(', ');
      exceptions.push(`${at.env}: ${sign} ${id}${refs ? ` (for ${refs}${spec.expiresAt ? `, expires ${spec.expiresAt}` : ''})` : ''}`);
    }
    if (RBAC_KINDS.includes(at.manifest.kind)) {
      const detail = fields.filter((f) => /(^|[+-] )(rules|subjects|roleRef|aggregationRule)/.test(f));
      rbac.push(
        `${at.env}: ${sign} ${id}${detail.length > 0 ? ` (${detail.slice(0, 3).join('; ')}${detail.length > 3 ? '; …' : ''})` : ''}`,
      );
    }
    const ca = chartSources(before?.manifest);
    const cb = chartSources(after?.manifest);
    for (const chart of new Set([...ca.keys(), ...cb.keys()])) {
      if (ca.get(chart) !== cb.get(chart))
        chartVersions.add(`${at.env}: ${chart} chart ${ca.get(chart) ?? 'absent'} → ${cb.get(chart) ?? 'absent'} (${id})`);
    }
  }
  return { changes, modeChanges: [...modeChanges], exceptions, rbac, chartVersions: [...chartVersions] };
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

export type DiffFormat = 'markdown' | 'text' | 'json';
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];
const MAX_FIELDS = 12;

function groups(report: DiffReport): Map<string, ResourceChange[]> {
  const out = new Map<string, ResourceChange[]>();
  for (const c of report.changes) out.set(`${c.env} / ${c.app}`, [...(out.get(`${c.env} / ${c.app}`) ?? []), c]);
  return out;
}

function counts(cs: readonly ResourceChange[]): string {
  const t = tally(cs);
  return `${t.added} added, ${t.removed} removed, ${t.changed} changed`;
}

function resourceLines(c: ResourceChange): string[] {
  const sign = { added: '+', removed: '-', changed: '~' }[c.change];
  const fields = c.fields.slice(0, MAX_FIELDS).map((f) => `    ${f}`);
  if (c.fields.length > MAX_FIELDS) fields.push(`    … ${c.fields.length - MAX_FIELDS} more field change(s)`);
  return [`${sign} ${c.id}`, ...fields];
}

const CALLOUTS: ReadonlyArray<[keyof Omit<DiffReport, 'changes'>, string]> = [
  ['modeChanges', 'Policy mode changes'],
  ['exceptions', 'Policy exceptions'],
  ['rbac', 'RBAC changes'],
  ['chartVersions', 'Chart version changes'],
];

/** Counts of a list of changes. */
function tally(cs: readonly ResourceChange[]): Tally {
  const n = (k: ChangeKind) => cs.filter((c) => c.change === k).length;
  return { added: n('added'), removed: n('removed'), changed: n('changed') };
}

interface Tally {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** `diff --output json`. */
export interface DiffJson {
  /** The --base ref as given. */
  readonly base: string;
  readonly summary: Tally;
  /** The call-outs the text and Markdown reports put first. */
  readonly reviewFirst: Pick<DiffReport, 'modeChanges' | 'exceptions' | 'rbac' | 'chartVersions'>;
  readonly apps: ReadonlyArray<
    Tally & {
      readonly env: string;
      readonly app: string;
      readonly resources: ReadonlyArray<Pick<ResourceChange, 'id' | 'change' | 'fields'>>;
    }
  >;
}

/**
 * The report as one JSON document, for tools: the review-first call-outs, then every changed
 * resource grouped by environment and app, with all its field changes (the text and Markdown
 * reports show the first 12).
 */
export function reportJson(report: DiffReport, baseLabel: string): DiffJson {
  const apps = [...groups(report).values()].map((cs) => ({
    env: cs[0].env,
    app: cs[0].app,
    ...tally(cs),
    resources: cs.map((c) => ({ id: c.id, change: c.change, fields: c.fields })),
  }));
  return {
    base: baseLabel,
    summary: tally(report.changes),
    reviewFirst: { modeChanges: report.modeChanges, exceptions: report.exceptions, rbac: report.rbac, chartVersions: report.chartVersions },
    apps,
  };
}

/** The report as plain text (terminal), Markdown (ready to post as a pull-request comment) or JSON. */
export function formatReport(report: DiffReport, format: DiffFormat, baseLabel: string): string {
  if (format === 'json') return `${JSON.stringify(reportJson(report, baseLabel), null, 2)}\n`;
  const byApp = groups(report);
  const callouts = CALLOUTS.filter(([k]) => report[k].length > 0);
  const lines: string[] = [];
  if (format === 'markdown') {
    lines.push(`### krate-policy diff: \`${baseLabel}\` → this change`, '');
    if (report.changes.length === 0) return [...lines, 'No rendered changes: every environment renders the same manifests.', ''].join('\n');
    if (callouts.length > 0) {
      lines.push('**Review first**', '');
      for (const [k, title] of callouts) lines.push(`- **${title}**`, ...report[k].map((l) => `  - \`${l}\``));
      lines.push('');
    }
    lines.push('| environment / app | added | removed | changed |', '| --- | --- | --- | --- |');
    for (const [g, cs] of byApp) {
      const n = (k: ChangeKind) => cs.filter((c) => c.change === k).length;
      lines.push(`| ${g} | ${n('added')} | ${n('removed')} | ${n('changed')} |`);
    }
    lines.push('');
    for (const [g, cs] of byApp) {
      lines.push(
        `<details><summary>${g}: ${counts(cs)}</summary>`,
        '',
        '```diff',
        ...cs.flatMap(resourceLines),
        '```',
        '',
        '</details>',
        '',
      );
    }
    return lines.join('\n');
  }
  lines.push(`krate-policy diff: ${baseLabel} → working tree`);
  if (report.changes.length === 0) return [...lines, 'no rendered changes', ''].join('\n');
  if (callouts.length > 0) {
    lines.push('', 'REVIEW FIRST');
    for (const [k, title] of callouts) lines.push(`  ${title}:`, ...report[k].map((l) => `    ${l}`));
  }
  for (const [g, cs] of byApp) lines.push('', `${g} (${counts(cs)})`, ...cs.flatMap(resourceLines).map((l) => `  ${l}`));
  lines.push('', `total: ${counts(report.changes)}`, '');
  return lines.join('\n');
}
