import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BindingConfig, EnvironmentConfig, OrgConfig, Person, ProfileConfig } from '../../environments/types';
import { ENVIRONMENTS, FIXTURE_PEOPLE, FIXTURE_PLATFORM_PROFILE, resolveFixture } from '../support/fixtures';
import { renderBootstrap, renderEnvironments } from '../../synth/synth';
import { writeTree } from '../../synth/write';
import { type Bench, median, ms } from './harness';

const CHILD_FLAG = '--tenancy-child';
const SIZES = [10, 25, 50];
const REPOSITORY_BINDINGS = 20;
const RUNS = 3;

/** Templates a tenant binds to its repositories (all rendered in dev by the fixture rollout). */
const TEMPLATES = [
  'require-labels',
  'require-resource-limits',
  'disallow-latest-tag',
  'require-run-as-nonroot',
  'disallow-privilege-escalation',
  'restrict-seccomp-strict',
  'disallow-capabilities-strict',
  'restrict-volume-types',
  'require-run-as-non-root-user',
];

const PROFILES: readonly ProfileConfig[] = [
  FIXTURE_PLATFORM_PROFILE,
  { name: 'strict', displayName: 'Strict', templates: ['pod-security-restricted/*', 'best-practices/*'], posture: 'enforce' },
  { name: 'lenient', displayName: 'Lenient', templates: ['pod-security-restricted/*', 'best-practices/*'], posture: 'audit' },
];

/**
 * dev of the fixture with `orgs` tenant orgs (two namespaces each, alternating a strict and a
 * lenient profile, their own persona groups) and REPOSITORY_BINDINGS repository bindings per org.
 */
export function tenancyEnvironment(orgs: number): EnvironmentConfig {
  const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
  const slugs = Array.from({ length: orgs }, (_, i) => `org-${String(i).padStart(3, '0')}`);
  const tenants: OrgConfig[] = slugs.map((slug, i) => ({
    slug,
    profile: i % 2 === 0 ? 'strict' : 'lenient',
    namespaces: [slug, `${slug}-jobs`],
    personas: { exceptionRequester: [`${slug}-developers`], repoAdmin: [`${slug}-repo-admins`] },
  }));
  const bindings: BindingConfig[] = slugs.flatMap((org) =>
    Array.from({ length: REPOSITORY_BINDINGS }, (_, r) => ({
      org,
      repository: `repo-${String(r).padStart(2, '0')}`,
      template: TEMPLATES[r % TEMPLATES.length],
    })),
  );
  const people: Person[] = [...FIXTURE_PEOPLE];
  return { ...dev, profiles: PROFILES, orgs: [{ slug: dev.org, profile: 'platform' }, ...tenants], bindings, people };
}

// In a child process: render and write the environment, print the figures (fresh process per size:
// honest wall time and peak memory, maxRSS, for that size alone).
if (process.argv[2] === CHILD_FLAG) {
  const orgs = Number(process.argv[3]);
  const out = mkdtempSync(join(tmpdir(), 'krate-tenancy-'));
  const t0 = performance.now();
  const config = resolveFixture({ environments: [tenancyEnvironment(orgs)], exceptions: [] });
  const tree = renderEnvironments(config);
  const renderMs = performance.now() - t0;
  const t1 = performance.now();
  writeTree(join(out, 'dist'), tree);
  writeTree(join(out, 'bootstrap'), renderBootstrap(config, tree));
  const writeMs = performance.now() - t1;
  // A synth over its previous, unchanged output (what `npm run synth` does after a commit): files are linked, not created.
  const t2 = performance.now();
  writeTree(join(out, 'dist'), tree);
  const rewriteMs = performance.now() - t2;
  rmSync(out, { recursive: true, force: true });
  // What Argo CD syncs: every object under dist/dev/ (the App-of-Apps folder too: the root app syncs it).
  // One object per file: its top-level kind line names it (a YAML parse would cost more than the render).
  const kinds: Record<string, number> = {};
  for (const text of tree.values()) {
    const kind = /^kind: (\w+)$/m.exec(text)?.[1] ?? '?';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  console.log(JSON.stringify({ renderMs, writeMs, rewriteMs, objects: tree.size, kinds, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

/** One environment with 10/25/50 orgs × 20 repository bindings; growth in orgs must stay (at most) linear. */
export const tenancyBench: Bench = {
  name: `tenancy (dev with ${SIZES.join('/')} orgs × ${REPOSITORY_BINDINGS} repository bindings; synth to files)`,
  async run() {
    const figures: { label: string; value: string }[] = [];
    const walls: number[] = [];
    for (const n of SIZES) {
      const samples: {
        wall: number;
        renderMs: number;
        writeMs: number;
        rewriteMs: number;
        maxRssKiB: number;
        objects: number;
        kinds: Record<string, number>;
      }[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [process.argv[1], CHILD_FLAG, String(n)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        const wall = performance.now() - t0;
        if (r.status !== 0) throw new Error(`tenancy render of ${n} orgs failed:\n${r.stderr}`);
        samples.push({ wall, ...JSON.parse(r.stdout.trim().split('\n').pop()!) });
      }
      const wall = median(samples.map((s) => s.wall));
      walls.push(wall);
      const rss = Math.max(...samples.map((s) => s.maxRssKiB)) / 1024;
      const k = samples[0].kinds;
      figures.push({
        label: `${n} orgs (${n * REPOSITORY_BINDINGS} repository bindings): wall (process start to files written), median of ${RUNS}`,
        // Writing one new file per object is bound by file creation (kernel time, slow on shared VMs): reported apart from the render.
        value: `${ms(wall)} (resolve+render ${ms(median(samples.map((s) => s.renderMs)))}, write ${ms(median(samples.map((s) => s.writeMs)))}), peak RSS ${rss.toFixed(0)} MiB`,
      });
      figures.push({
        label: `${n} orgs: dist/ written again over the unchanged previous output, median of ${RUNS}`,
        value: ms(median(samples.map((s) => s.rewriteMs))),
      });
      figures.push({
        label: `${n} orgs: objects Argo CD syncs`,
        value: `${samples[0].objects} (${k.ValidatingPolicy ?? 0} ValidatingPolicy, ${k.PolicyBinding ?? 0} PolicyBinding, ${k.RoleBinding ?? 0} RoleBinding, ${k.PolicyProfile ?? 0} PolicyProfile, ${k.PolicyTemplate ?? 0} PolicyTemplate)`,
      });
    }
    const perOrg = (walls[walls.length - 1] - walls[0]) / (SIZES[SIZES.length - 1] - SIZES[0]);
    figures.push({
      label: 'marginal cost per added org (20 bindings; slope between smallest and largest)',
      value: `${perOrg.toFixed(1)} ms`,
    });
    figures.push({
      label: `growth ${SIZES[0]} → ${SIZES[SIZES.length - 1]} orgs (×${SIZES[SIZES.length - 1] / SIZES[0]})`,
      value: `wall ×${(walls[walls.length - 1] / walls[0]).toFixed(2)}`,
    });
    return figures;
  },
};
