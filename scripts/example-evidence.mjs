// Regenerates the committed example evidence (evidence/<env>/<date>.json) that the README and its
// board screenshot show: synthetic `kubectl get policyreports -A -o yaml` exports, made from the
// policies each environment really deploys (dist/<env>/policies/) and recorded with the real
// `krate-policy evidence add`. The numbers are invented but deterministic; they are chosen so the
// committed rollout agrees with them (every enforce stage in environments/rollout.ts was entered on
// evidence that met its environment's criteria). Run: npm run evidence:example
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, '.build', 'cli', 'main.mjs');
const ENVS = ['dev', 'staging', 'prod'];
/** Weekly snapshots, plus the days two templates entered an enforce stage. */
const DATES = ['2026-11-03', '2026-11-10', '2026-11-17', '2026-11-19', '2026-11-24', '2026-12-01'];
const NAMESPACES = ['shop', 'billing', 'payments', 'job-runner', 'web', 'search'];
/** Workload counts per environment: prod is the biggest cluster. */
const SCALE = { dev: 12, staging: 20, prod: 40 };

/** A stable small number per key (FNV-1a), so every run writes the same files. */
function hash(key) {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

function run(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`krate-policy ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The policies an environment deploys: name, template and the kind they check. */
function deployed(env) {
  const dir = join(ROOT, 'dist', env, 'policies');
  return readdirSync(dir)
    .sort()
    .map((f) => yaml.load(readFileSync(join(dir, f), 'utf8')))
    .map((p) => ({
      name: p.metadata.name,
      template: p.metadata.labels['krate.a5c.ai/policy-template'],
      audit: p.metadata.name.includes('-audit-'),
      subject: (p.metadata.annotations['policies.kyverno.io/subject'] ?? 'Pod').split(',')[0].trim(),
    }));
}

/**
 * Failing results of a template in an environment on the i-th date. Most trends fall to zero; a few
 * stories the board tells: require-resource-limits keeps failing in dev (its enforce:dev step is
 * blocked), restrict-seccomp-strict rises after a release in staging, and templates that enforce
 * somewhere reached zero before they did.
 */
function failingAt(template, env, i, row) {
  if (template === 'require-resource-limits' && env === 'dev') return [6, 5, 4, 3, 2, 2][i];
  if (template === 'restrict-seccomp-strict' && env === 'staging') return [4, 3, 2, 1, 1, 5][i];
  if (row.stage.startsWith('enforce:') || row.template === 'require-labels') return Math.max(0, 2 - i);
  const start = hash(`${template}/${env}`) % 9;
  const step = 1 + (hash(`${env}/${template}`) % 3);
  return Math.max(0, start - step * i);
}

/** Whether an environment ran the template on that date: a template reaches an environment on its audit rung. */
function ranOn(row, env, date) {
  return !(row.stage === `audit:${env}` && date < row.since);
}

function exportFor(env, date, i, board) {
  const items = [];
  const stages = new Map(board.templates.map((t) => [t.template, t]));
  const workloads = SCALE[env];
  let uid = 0;
  for (const policy of deployed(env)) {
    const row = stages.get(policy.template);
    if (!row || !ranOn(row, env, date)) continue;
    // The audit-override twin only sees its audit namespaces; the cluster policy all the others.
    const namespaces = policy.audit ? row.auditNamespaces : NAMESPACES.filter((n) => !row.auditNamespaces.includes(n));
    if (namespaces.length === 0) continue;
    const failing = policy.audit ? 0 : failingAt(policy.template, env, i, row);
    for (let w = 0; w < workloads; w++) {
      const namespace = namespaces[(w + hash(policy.template)) % namespaces.length];
      const name = `${namespace}-${policy.subject.toLowerCase()}-${w}`;
      items.push({
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        metadata: { name: `${env}-${String(uid++).padStart(6, '0')}`, namespace, labels: { 'app.kubernetes.io/managed-by': 'kyverno' } },
        scope: { apiVersion: policy.subject === 'Pod' ? 'v1' : 'batch/v1', kind: policy.subject, namespace, name },
        results: [
          {
            policy: policy.name,
            result: w < failing ? 'fail' : 'pass',
            message: w < failing ? 'validation rule failed' : 'validation rule passed',
            scored: true,
            source: 'KyvernoValidatingPolicy',
            timestamp: { seconds: Date.parse(`${date}T06:00:00Z`) / 1000, nanos: 0 },
          },
        ],
      });
    }
  }
  // Another team's policy in the same cluster: counted as unmatched.
  items.push({
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: { name: `${env}-other`, namespace: 'search' },
    scope: { apiVersion: 'v1', kind: 'Pod', namespace: 'search', name: 'indexer-0' },
    results: [{ policy: 'search-team-require-owner', result: 'pass', source: 'KyvernoValidatingPolicy' }],
  });
  return yaml.dump({ apiVersion: 'v1', kind: 'List', items }, { lineWidth: -1 });
}

const board = JSON.parse(run(['status', '--format', 'json', '--today', DATES[DATES.length - 1]]));
const tmp = mkdtempSync(join(tmpdir(), 'krate-example-evidence-'));
try {
  for (const env of ENVS) {
    DATES.forEach((date, i) => {
      const file = join(tmp, `${env}-${date}.yaml`);
      writeFileSync(file, exportFor(env, date, i, board));
      process.stdout.write(run(['evidence', 'add', '--env', env, '--date', date, file]).split('\n')[0] + '\n');
    });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
