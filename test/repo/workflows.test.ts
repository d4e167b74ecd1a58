// The GitHub workflows and the composite action, checked in npm test: valid syntax by
// @action-validator/core (the JSON schemas GitHub's workflow and action files follow, pinned in
// package.json), third-party actions pinned to commits, least privilege, and every krate-policy
// command line they run naming a command, option and value the CLI has.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validateAction, validateWorkflow, type ValidationError } from '@action-validator/core';
import { parse } from 'yaml';
import { repositorySources } from '../../cli/sources';
import { resolveConfig } from '../../config/resolve';
import { REPO_ROOT } from '../../lib/paths';

const GITHUB_DIR = join(REPO_ROOT, '.github');
const WORKFLOWS_DIR = join(GITHUB_DIR, 'workflows');

/** Every workflow file, and every action.yml under .github/. */
function workflowFiles(): string[] {
  return existsSync(WORKFLOWS_DIR)
    ? readdirSync(WORKFLOWS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(WORKFLOWS_DIR, f))
    : [];
}

function actionFiles(dir = GITHUB_DIR, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) actionFiles(join(dir, e.name), out);
    else if (/^action\.ya?ml$/.test(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

/** The validator's findings as `path: detail` lines; a oneOf failure contributes each branch's findings. */
function messages(errors: readonly ValidationError[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    if ('states' in e && e.states && e.states.length > 0) out.push(...e.states.flatMap((s) => messages(s.errors)));
    else {
      const where = 'path' in e && e.path ? e.path : 'location' in e && e.location ? `line ${e.location.line}` : '(file)';
      out.push(`${where}: ${e.detail ?? e.title}`);
    }
  }
  return [...new Set(out)];
}

function validate(text: string, kind: 'workflow' | 'action'): string[] {
  return messages((kind === 'workflow' ? validateWorkflow(text) : validateAction(text)).errors);
}

// ---------------------------------------------------------------------------------------------
// The files as data

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly if?: string;
}
interface Job {
  readonly permissions?: Readonly<Record<string, string>>;
  readonly 'timeout-minutes'?: number;
  readonly steps?: readonly Step[];
  readonly strategy?: { readonly matrix?: Readonly<Record<string, unknown>> };
}
interface Workflow {
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly jobs: Readonly<Record<string, Job>>;
}
interface Action {
  readonly inputs?: Readonly<Record<string, { readonly required?: boolean; readonly default?: string }>>;
  readonly runs: { readonly using: string; readonly steps?: readonly Step[] };
}

const read = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;
const shown = (file: string) => relative(REPO_ROOT, file);

/** Every step of a workflow or composite action. */
function stepsOf(file: string): Step[] {
  const doc = read<Workflow & Action>(file);
  if (doc.jobs) return Object.values(doc.jobs).flatMap((j) => j.steps ?? []);
  return [...(doc.runs?.steps ?? [])];
}

// ---------------------------------------------------------------------------------------------
// Pinning

/** A third-party action must be pinned to a full commit SHA with the version it is, as a comment. */
function pinningProblems(text: string, file: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!m || m[1].startsWith('./')) return;
    const [, ref, rest] = m;
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) problems.push(`${file}:${i + 1}: ${ref} is not pinned to a full commit SHA`);
    else if (!/^\s*#\s*v\d+(\.\d+)*\s*$/.test(rest)) problems.push(`${file}:${i + 1}: ${ref} has no '# vX.Y.Z' comment naming its version`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// krate-policy command lines against the CLI

interface OptionSpec {
  /** Whether the option takes a value. */
  readonly value: boolean;
  /** The values it accepts, when the usage lists them (`--output table|json`). */
  readonly choices?: readonly string[];
}
type Usage = ReadonlyMap<string, ReadonlyMap<string, OptionSpec>>;

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

/** Options of one command, from its usage lines (`krate-policy <command> --help`). */
function parseUsage(command: string, help: string): Map<string, OptionSpec> {
  const options = new Map<string, OptionSpec>();
  for (const line of help.split('\n')) {
    const at = line.indexOf(`krate-policy ${command}`);
    if (at < 0) continue;
    const tokens = line
      .slice(at + `krate-policy ${command}`.length)
      .split(/(\[|\])|\s+/)
      .filter((t): t is string => t !== undefined && t !== '');
    tokens.forEach((t, i) => {
      // An option, or spellings of one option (`-f|--values`).
      const names = t.split('|');
      if (!names.every((n) => /^--?[a-z][a-z-]*$/.test(n))) return;
      const next = tokens[i + 1];
      const value = next !== undefined && next !== '[' && next !== ']' && next !== '|' && !next.startsWith('-');
      const choices = value && !next.includes('<') && next.includes('|') ? next.split('|') : undefined;
      for (const name of names) options.set(name, { value, ...(choices ? { choices } : {}) });
    });
  }
  return options;
}

/** A shell word: its text without quotes, and whether it holds an expansion ($VAR, ${{ … }}) decided at run time. */
interface Word {
  readonly text: string;
  readonly dynamic: boolean;
}

/** Shell words up to the end of the command (an unquoted `|`, `>`, `<`, `;`, `&` or `)`). */
function words(s: string): Word[] {
  const out: Word[] = [];
  let text = '';
  let dynamic = false;
  let started = false;
  let quote: string | undefined;
  const flush = () => {
    if (started) out.push({ text, dynamic });
    text = '';
    dynamic = false;
    started = false;
  };
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else {
        if (ch === '$' && quote === '"') dynamic = true;
        text += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) flush();
    else if ('|><;&)'.includes(ch)) break;
    else {
      if (ch === '$') dynamic = true;
      text += ch;
      started = true;
    }
  }
  flush();
  return out;
}

/**
 * The argument lists a script passes to krate-policy (`npx krate-policy …` or `node …/bin/krate-policy.mjs …`),
 * with a bash array `"${args[@]}"` replaced by every word the script puts into it (`args=(…)`, `args+=(…)`).
 */
function invocations(script: string): Word[][] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const arrays = new Map<string, Word[]>();
  for (const m of joined.matchAll(/(?:^|[\s;{|&])(\w+)(\+?)=\(([^)]*)\)/g)) {
    arrays.set(m[1], [...(m[2] === '+' ? (arrays.get(m[1]) ?? []) : []), ...words(m[3])]);
  }
  const out: Word[][] = [];
  for (const line of joined.split('\n')) {
    const m = /(?:^|\s)(?:npx\s+krate-policy|"?\S*bin\/krate-policy\.mjs"?)(?=\s|$)(.*)$/.exec(line);
    if (!m) continue;
    out.push(
      words(m[1]).flatMap((w) => {
        const array = /^\$\{(\w+)\[@\]\}$/.exec(w.text);
        return array ? (arrays.get(array[1]) ?? [w]) : [w];
      }),
    );
  }
  return out;
}

/** What is wrong with one krate-policy argument list, against the CLI's usage. */
function invocationProblems(args: readonly Word[], usage: Usage): string[] {
  const commands = [...usage.keys()].sort((a, b) => b.split(' ').length - a.split(' ').length);
  const command = commands.find((c) => c.split(' ').every((w, i) => args[i]?.text === w));
  if (!command) return [`krate-policy ${args.map((a) => a.text).join(' ')}: no such command (one of ${[...usage.keys()].join(', ')})`];
  const options = usage.get(command)!;
  const problems: string[] = [];
  for (let i = command.split(' ').length; i < args.length; i++) {
    const word = args[i];
    if (word.dynamic || word.text === '-' || !word.text.startsWith('-')) continue;
    const eq = word.text.indexOf('=');
    const name = eq < 0 ? word.text : word.text.slice(0, eq);
    const spec = options.get(name);
    if (!spec) {
      problems.push(`krate-policy ${command}: ${name} is not an option (${[...options.keys()].join(' ')})`);
      if (eq < 0 && args[i + 1] && !args[i + 1].text.startsWith('-')) i++;
      continue;
    }
    if (!spec.value) continue;
    const value = eq < 0 ? args[++i] : { text: word.text.slice(eq + 1), dynamic: word.dynamic };
    if (!value) {
      problems.push(`krate-policy ${command}: ${name} needs a value`);
      continue;
    }
    if (!spec.choices || value.dynamic) continue;
    // `--output sarif=results.sarif`: a format and the file it is written to.
    const format = value.text.split('=')[0];
    if (!spec.choices.includes(format))
      problems.push(`krate-policy ${command}: ${name} ${value.text}: not one of ${spec.choices.join('|')}`);
  }
  return problems;
}

/** Every command's options, read from `krate-policy --help` and each `<command> --help`. */
function cliUsage(): Usage {
  const commands = [...cli('--help').stdout.matchAll(/^ {2}(\S+(?: \S+)?)\s{2,}/gm)].map((m) => m[1]);
  return new Map(commands.map((c) => [c, parseUsage(c, cli(...c.split(' '), '--help').stdout)]));
}

// ---------------------------------------------------------------------------------------------

const PULL_REQUEST = join(WORKFLOWS_DIR, 'pull-request.yml');
const REUSABLE = join(WORKFLOWS_DIR, 'krate-policy-scan.yml');
const ACTION = join(GITHUB_DIR, 'actions', 'krate-policy-scan', 'action.yml');

describe('GitHub workflows and actions', () => {
  const workflows = workflowFiles();
  const actions = actionFiles();

  it('are there: the pull-request workflow, the reusable scan workflow and its composite action', () => {
    expect(workflows).toEqual(expect.arrayContaining([PULL_REQUEST, REUSABLE]));
    expect(actions).toEqual(expect.arrayContaining([ACTION]));
  });

  it('are valid workflow and action files (@action-validator/core)', () => {
    const problems = [
      ...workflows.flatMap((f) => validate(readFileSync(f, 'utf8'), 'workflow').map((m) => `${shown(f)}: ${m}`)),
      ...actions.flatMap((f) => validate(readFileSync(f, 'utf8'), 'action').map((m) => `${shown(f)}: ${m}`)),
    ];
    expect(problems).toEqual([]);
  });

  it('fails when a workflow is broken: a misspelled key, a wrong type, bad YAML', () => {
    const good = readFileSync(PULL_REQUEST, 'utf8');
    expect(validate(good.replace('    timeout-minutes: 20\n', '    timeout-minutes: twenty\n'), 'workflow')).toContain(
      '/jobs/gate/timeout-minutes: The value must be number',
    );
    expect(validate(good.replace('    steps:\n', '    steeps:\n'), 'workflow')).toContain(
      "/jobs/test: Additional property 'steeps' is not allowed",
    );
    expect(validate('on: pull_request\njobs:\n  a: {runs-on: ubuntu-24.04, steps: [\n', 'workflow')[0]).toMatch(/^line \d+: /);
  });

  it('fails when an action file is broken: no runs, an unknown key', () => {
    const good = readFileSync(ACTION, 'utf8');
    expect(validate(good.replace(/^runs:/m, 'ruins:'), 'action')).toEqual(
      expect.arrayContaining(
        ['/runs: This property is required', "(file): Additional property 'ruins' is not allowed"].map(expect.stringContaining),
      ),
    );
  });

  it('pin every third-party action to a full commit SHA, with its version as a comment', () => {
    expect([...workflows, ...actions].flatMap((f) => pinningProblems(readFileSync(f, 'utf8'), shown(f)))).toEqual([]);
  });

  it('fails when an action is used by tag or branch, or a pin does not say its version', () => {
    expect(pinningProblems('    steps:\n      - uses: actions/checkout@v7\n      - uses: ./local/action\n', 'w.yml')).toEqual([
      'w.yml:2: actions/checkout@v7 is not pinned to a full commit SHA',
    ]);
    expect(pinningProblems('      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n', 'w.yml')).toEqual([
      "w.yml:1: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 has no '# vX.Y.Z' comment naming its version",
    ]);
  });

  it('grant nothing by default and each job only what it asks for, with a time limit', () => {
    const problems: string[] = [];
    for (const f of workflows) {
      const w = read<Workflow>(f);
      if (JSON.stringify(w.permissions) !== '{}') problems.push(`${shown(f)}: top-level permissions must be {} (jobs ask for theirs)`);
      for (const [name, job] of Object.entries(w.jobs)) {
        if (!job.permissions) problems.push(`${shown(f)}: job ${name} has no permissions block`);
        if (typeof job['timeout-minutes'] !== 'number') problems.push(`${shown(f)}: job ${name} has no timeout-minutes`);
      }
    }
    expect(problems).toEqual([]);
    const pr = read<Workflow>(PULL_REQUEST);
    expect(pr.concurrency).toEqual({ group: 'pull-request-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    // Write access only where it is used: the comment job comments, the scan job uploads SARIF.
    expect(Object.fromEntries(Object.entries(pr.jobs).map(([n, j]) => [n, j.permissions]))).toEqual({
      test: { contents: 'read' },
      gate: { contents: 'read' },
      comment: { 'pull-requests': 'write' },
      scan: { contents: 'read', 'security-events': 'write', actions: 'read' },
    });
  });

  it('the pull-request workflow runs the whole gate: .ci/run with full history, rollout check, board, diff comment, SARIF', () => {
    const pr = read<Workflow>(PULL_REQUEST);
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    const runs = (job: string) => (pr.jobs[job].steps ?? []).map((s) => s.run ?? s.uses ?? '').join('\n');
    const checkout = (job: string) => pr.jobs[job].steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout('test').with?.['fetch-depth']).toBe(0);
    expect(checkout('gate').with?.['fetch-depth']).toBe(0);
    expect(runs('test')).toContain('bash .ci/run');
    expect(runs('gate')).toContain('npx krate-policy rollout check --base "$BASE_SHA"');
    expect(runs('gate')).toContain('npx krate-policy status --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(runs('gate')).toContain('npx krate-policy diff --base "$BASE_SHA" --output markdown > diff.md');
    expect(runs('comment')).toMatch(/^actions\/github-script@/);
    expect(String(pr.jobs.comment.steps![0].with?.script)).toContain('<!-- krate-policy-diff -->');
    expect(runs('scan')).toContain(
      'npx krate-policy scan --env "$KRATE_ENV" --output table --output sarif=results.sarif "dist/$KRATE_ENV"',
    );
    expect(runs('scan')).toMatch(/github\/codeql-action\/upload-sarif@/);
  });

  it('the scan matrix covers every environment in environments/', () => {
    const matrix = read<Workflow>(PULL_REQUEST).jobs.scan.strategy?.matrix?.env;
    expect(matrix).toEqual(resolveConfig(repositorySources()).environments.map((e) => e.name));
  });

  it('the reusable workflow passes each of its inputs to the composite action, which declares them all', () => {
    const reusable = read<Workflow>(REUSABLE);
    const call = reusable.on.workflow_call as { inputs: Record<string, { required?: boolean }> };
    const action = read<Action>(ACTION);
    const inputs = Object.keys(action.inputs ?? {});
    expect(inputs).toEqual(expect.arrayContaining(['environment', 'chart', 'values', 'set', 'kustomize', 'manifests', 'fail-on']));
    const scan = reusable.jobs.scan.steps!.find((s) => s.uses === './.krate-policy/.github/actions/krate-policy-scan')!;
    const passed = Object.keys(scan.with ?? {});
    expect(passed.filter((k) => !inputs.includes(k))).toEqual([]);
    const required = inputs.filter((k) => action.inputs![k].required);
    expect(required.filter((k) => !passed.includes(k))).toEqual([]);
    const own = Object.keys(call.inputs).filter((k) => !['policy-repository', 'policy-ref'].includes(k));
    expect(own.filter((k) => !passed.includes(k))).toEqual([]);
    // The default policies are this repository's, as Argo CD knows it.
    const repoURL = resolveConfig(repositorySources()).environments[0].argocd.repoURL;
    expect(repoURL).toContain(`github.com/${(call.inputs['policy-repository'] as { default?: string }).default}.git`);
  });

  describe('krate-policy command lines', () => {
    const usage = cliUsage();

    it('reads options, their values and their spellings from a usage line', () => {
      const usage = parseUsage(
        'scan',
        'usage: krate-policy scan [--env <env> | --all-templates] [--output table|json|sarif[=<file>]]... [--helm <chart> [-f|--values <values.yaml>]...] [<file|dir|->...]',
      );
      expect(Object.fromEntries(usage)).toEqual({
        '--env': { value: true },
        '--all-templates': { value: false },
        '--output': { value: true, choices: ['table', 'json', 'sarif'] },
        '--helm': { value: true },
        '-f': { value: true },
        '--values': { value: true },
      });
    });

    it('reads every command and its options from the CLI', () => {
      expect(usage.get('scan')?.get('--output')?.choices).toEqual(expect.arrayContaining(['table', 'json']));
      expect(usage.get('rollout check')?.get('--base')).toEqual({ value: true });
      expect(usage.get('scan')?.get('--all-templates')).toEqual({ value: false });
    });

    it('name commands, options and values the CLI has (workflows, actions, the README’s CI section)', () => {
      const scripts = [...workflows, ...actions].flatMap((f) =>
        stepsOf(f).flatMap((s) => (s.run ? [{ file: shown(f), script: s.run }] : [])),
      );
      const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## CI workflows'), readme.indexOf('\n## ', readme.indexOf('## CI workflows') + 1));
      expect(section.length).toBeGreaterThan(200);
      scripts.push({ file: 'README.md (CI workflows)', script: section });
      const found = scripts.flatMap(({ file, script }) => invocations(script).map((args) => ({ file, args })));
      expect(found.length).toBeGreaterThanOrEqual(6);
      expect(found.flatMap(({ file, args }) => invocationProblems(args, usage).map((p) => `${file}: ${p}`))).toEqual([]);
    });

    it('fails when a command line names an unknown command, option or value', () => {
      const check = (script: string) => invocations(script).flatMap((args) => invocationProblems(args, usage));
      expect(check('npx krate-policy scna dist/dev')).toEqual([expect.stringMatching(/^krate-policy scna dist\/dev: no such command/)]);
      expect(check('npx krate-policy scan --outptu table dist/dev | tee out.txt')).toEqual([
        expect.stringContaining('krate-policy scan: --outptu is not an option'),
      ]);
      expect(check('npx krate-policy rollout check --base "$BASE" --output yaml')).toEqual([
        'krate-policy rollout check: --output yaml: not one of table|json',
      ]);
      // Words put into a bash array and passed as "${args[@]}" are checked too.
      expect(check('args=(status --format)\nargs+=(pdf)\nnode "$ROOT/bin/krate-policy.mjs" "${args[@]}"')).toEqual([
        'krate-policy status: --format pdf: not one of table|markdown|json|html',
      ]);
      expect(check('x=$(npx krate-policy diff --base "$B" --output markdown)')).toEqual([]);
    });
  });
});
