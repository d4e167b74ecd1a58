// `scan --policy` end to end as users run it (a fresh process reading and parsing a generated YAML
// file, the policies through the Kyverno engine), and `krate-policy test` over Kyverno's published
// suites when ../shared/upstream/kyverno-policies is present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAllTemplates } from '../../config/plan';
import { toYaml } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';
import { TEMPLATES } from '../../policies';
import { renderPolicy } from '../../policies/render';
import { generateCorpus } from './scan';
import { type Bench, median, ms } from './harness';

const RESOURCES = 20_000;
const RUNS = 3;
const CLI = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
const UPSTREAM = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
const TIME = '/usr/bin/time';

interface Run {
  readonly wallMs: number;
  /** Peak resident set size of the child, when /usr/bin/time is there to measure it. */
  readonly maxRssKiB?: number;
  /** The child's CPU time (user + system), with /usr/bin/time: on a shared machine it varies less than wall time. */
  readonly cpuMs?: number;
  readonly stdout: string;
}

/** One fresh CLI process; exit 0 or 1 (findings) is a completed run, anything else fails the bench. */
function runCli(args: readonly string[], dir: string): Run {
  const timed = existsSync(TIME);
  const out = join(dir, 'time.txt');
  const t0 = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', '%M %U %S', '-o', out, process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`krate-policy ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  if (!timed) return { wallMs, stdout: r.stdout };
  const [rss, user, system] = (readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { wallMs, maxRssKiB: rss, cpuMs: (user + system) * 1000, stdout: r.stdout };
}

function measure(args: readonly string[], dir: string): { wall: number; rss?: number; cpu?: number; last: Run } {
  const runs = Array.from({ length: RUNS }, () => runCli(args, dir));
  const rss = runs.every((r) => r.maxRssKiB !== undefined) ? Math.max(...runs.map((r) => r.maxRssKiB!)) : undefined;
  const cpu = runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs!)) : undefined;
  return { wall: median(runs.map((r) => r.wallMs)), rss, cpu, last: runs[RUNS - 1] };
}

/** Results counted from the summary line (`scan (…): N pass, N fail, N skip, N error`). */
function results(stdout: string): number {
  const m = /: (\d+) pass, (\d+) fail, (\d+) skip, (\d+) error$/.exec(stdout.trim().split('\n').at(-1) ?? '');
  if (!m) throw new Error(`no scan summary in:\n${stdout.slice(-500)}`);
  return m.slice(1).reduce((n, x) => n + Number(x), 0);
}

const cpuTime = (x: number | undefined) => (x === undefined ? `not measured (${TIME} absent)` : ms(x));
const mib = (kib: number | undefined) => (kib === undefined ? `not measured (${TIME} absent)` : `${(kib / 1024).toFixed(0)} MiB`);

export const scanPolicyBench: Bench = {
  name: `scan --policy (fresh process, ${RESOURCES.toLocaleString('en')} generated resources in one YAML file)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'krate-bench-scan-policy-'));
    try {
      const input = join(dir, 'resources.yaml');
      writeFileSync(
        input,
        generateCorpus(RESOURCES)
          .map((i) => toYaml(i.manifest))
          .join('---\n'),
      );
      // A user's policy set of realistic size: every template, rendered, given as their own policies.
      const policies = join(dir, 'policies.yaml');
      const rendered = planAllTemplates(TEMPLATES).map((p) => renderPolicy(p.template, p.options));
      writeFileSync(policies, rendered.map(toYaml).join('---\n'));
      const fixtures = join(REPO_ROOT, 'test', 'analysis', 'fixtures', 'scan-policy');
      const heavy = measure(['scan', '--policy', policies, input], dir);
      const evaluations = results(heavy.last.stdout);
      const light = measure(['scan', '--policy', join(fixtures, 'policies'), input], dir);
      const context = measure(
        ['scan', '--policy', join(fixtures, 'ingress'), '--context', join(fixtures, 'ingress', 'kubectl-export.yaml'), input],
        dir,
      );
      const start = measure(['--version'], dir);
      return [
        { label: 'input file', value: `${(readFileSync(input).length / 1e6).toFixed(1)} MB, ${RESOURCES} resources` },
        { label: `--policy: ${rendered.length} policies, wall time, median of ${RUNS}`, value: ms(heavy.wall) },
        { label: `--policy: ${rendered.length} policies, peak memory`, value: mib(heavy.rss) },
        { label: `--policy: ${rendered.length} policies, policy×resource results`, value: String(evaluations) },
        { label: `--policy: 2 policies (fixtures), wall time, median of ${RUNS}`, value: ms(light.wall) },
        { label: '--policy: 2 policies (fixtures), peak memory', value: mib(light.rss) },
        { label: `--policy + --context (Ingress hosts, kubectl export), wall time, median of ${RUNS}`, value: ms(context.wall) },
        { label: 'process start and CLI load (for reference)', value: ms(start.wall) },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const END_TO_END_DOCUMENTS = 100_000;
/** Documents per file: a folder of many files, as a rendered repository or chart output is read. */
const DOCUMENTS_PER_FILE = 1_000;

/**
 * What users wait for: `scan --all-templates <dir>` and `scan --env <env> <dir>` in a fresh process
 * over 100,000 documents in a folder, reading, parsing, evaluating and printing included.
 */
export const scanEndToEndBench: Bench = {
  name: `scan end to end (fresh process, ${END_TO_END_DOCUMENTS.toLocaleString('en')} documents in ${END_TO_END_DOCUMENTS / DOCUMENTS_PER_FILE} files)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'krate-bench-scan-e2e-'));
    try {
      const input = join(dir, 'manifests');
      mkdirSync(input);
      const corpus = generateCorpus(END_TO_END_DOCUMENTS);
      let bytes = 0;
      for (let f = 0; f * DOCUMENTS_PER_FILE < corpus.length; f++) {
        const text = corpus
          .slice(f * DOCUMENTS_PER_FILE, (f + 1) * DOCUMENTS_PER_FILE)
          .map((i) => toYaml(i.manifest))
          .join('---\n');
        bytes += Buffer.byteLength(text);
        writeFileSync(join(input, `part-${String(f).padStart(4, '0')}.yaml`), text);
      }
      const all = measure(['scan', '--all-templates', input], dir);
      const env = measure(['scan', '--env', 'prod', input], dir);
      // On a shared machine wall time is as much the other processes' as this one's: say how busy it was.
      const load = loadavg()
        .map((x) => x.toFixed(2))
        .join(' ');
      return [
        { label: 'input', value: `${(bytes / 1e6).toFixed(1)} MB of YAML, ${corpus.length} documents` },
        { label: `--all-templates: wall time, median of ${RUNS}`, value: ms(all.wall) },
        { label: `--all-templates: CPU time (user + system), median of ${RUNS}`, value: cpuTime(all.cpu) },
        { label: '--all-templates: peak memory', value: mib(all.rss) },
        { label: '--all-templates: policy×resource results', value: String(results(all.last.stdout)) },
        { label: '--all-templates: documents per second (wall)', value: (corpus.length / (all.wall / 1000)).toFixed(0) },
        { label: `--env prod: wall time, median of ${RUNS}`, value: ms(env.wall) },
        { label: `--env prod: CPU time (user + system), median of ${RUNS}`, value: cpuTime(env.cpu) },
        { label: '--env prod: peak memory', value: mib(env.rss) },
        { label: '--env prod: policy×resource results', value: String(results(env.last.stdout)) },
        { label: 'load average (1, 5, 15 min) after the runs', value: load },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const testUpstreamBench: Bench = {
  name: "krate-policy test over Kyverno's published suites (../shared/upstream/kyverno-policies)",
  async run() {
    if (!existsSync(UPSTREAM)) return [{ label: 'skipped', value: `${UPSTREAM} is absent (the suites live outside the repository)` }];
    const dir = mkdtempSync(join(tmpdir(), 'krate-bench-test-'));
    try {
      const { wall, rss, last } = measure(['test', UPSTREAM], dir);
      const summary = last.stdout.trim().split('\n').at(-1) ?? '';
      const m = /^(\d+) passed, (\d+) failed$/.exec(summary);
      const results = m ? Number(m[1]) + Number(m[2]) : NaN;
      return [
        { label: 'result', value: summary },
        { label: `wall time (fresh process), median of ${RUNS}`, value: ms(wall) },
        { label: 'results per second (wall)', value: (results / (wall / 1000)).toFixed(0) },
        { label: 'peak memory', value: mib(rss) },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
