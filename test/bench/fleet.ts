import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig, EnvironmentConfig } from '../../environments/types';
import { ENVIRONMENTS, resolveFixture } from '../support/fixtures';
import { renderBootstrap, renderEnvironments } from '../../synth/synth';
import { writeTree } from '../../synth/write';
import { type Bench, median, ms } from './harness';

const CHILD_FLAG = '--fleet-child';
const SIZES = [10, 50, 100];
const RUNS = 3;

/**
 * typical: clusters share overrides (one generator per group, output nearly constant);
 * worst: every cluster pins its own revision (one generator per cluster, output grows with the fleet).
 */
type FleetShape = 'typical' | 'worst';

/** Every shipped environment (so every pack the catalog renders), each with `clusters` generated clusters. */
export function fleetEnvironments(clusters: number, shape: FleetShape = 'typical'): EnvironmentConfig[] {
  return ENVIRONMENTS.map((env) => ({
    ...env,
    clusters: Array.from(
      { length: clusters },
      (_, i): ClusterConfig => ({
        name: `${env.name}-${String(i).padStart(3, '0')}`,
        server: `https://${env.name}-${i}.fleet.example`,
        labels: { 'krate.a5c.ai/region': ['eu', 'us', 'ap'][i % 3] },
        // typical: every tenth cluster is pinned to a release branch (a second override group).
        ...(shape === 'worst'
          ? { overrides: { targetRevision: `release-${i}` } }
          : i % 10 === 9
            ? { overrides: { targetRevision: 'release-1' } }
            : {}),
      }),
    ),
  }));
}

// In a child process: render and write one fleet, print the figures. A fresh process per size
// gives honest wall time and peak memory (maxRSS) for that size alone.
if (process.argv[2] === CHILD_FLAG) {
  const clusters = Number(process.argv[3]);
  const shape = process.argv[4] as FleetShape;
  const out = mkdtempSync(join(tmpdir(), 'krate-fleet-'));
  const t0 = performance.now();
  const envs = resolveFixture({ environments: fleetEnvironments(clusters, shape) });
  const tree = renderEnvironments(envs);
  writeTree(join(out, 'dist'), tree);
  writeTree(join(out, 'bootstrap'), renderBootstrap(envs, tree));
  const renderMs = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      renderMs,
      manifests: tree.size,
      bytes: [...tree.values()].reduce((n, s) => n + s.length, 0),
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

/** A generated fleet: 3 environments × N clusters; growth in clusters must stay (at most) linear. */
export const fleetBench: Bench = {
  name: `fleet (3 environments × ${SIZES.join('/')} clusters, every catalog app; typical and worst-case overrides)`,
  async run() {
    const figures: { label: string; value: string }[] = [];
    for (const shape of ['typical', 'worst'] as const) figures.push(...(await fleetFigures(shape)));
    return figures;
  },
};

async function fleetFigures(shape: FleetShape): Promise<{ label: string; value: string }[]> {
  const figures: { label: string; value: string }[] = [];
  const walls: number[] = [];
  for (const n of SIZES) {
    const samples: { wall: number; renderMs: number; maxRssKiB: number; manifests: number; bytes: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [process.argv[1], CHILD_FLAG, String(n), shape], { encoding: 'utf8' });
      const wall = performance.now() - t0;
      if (r.status !== 0) throw new Error(`fleet render of ${n} clusters failed:\n${r.stderr}`);
      samples.push({ wall, ...JSON.parse(r.stdout.trim().split('\n').pop()!) });
    }
    const wall = median(samples.map((s) => s.wall));
    walls.push(wall);
    const rss = Math.max(...samples.map((s) => s.maxRssKiB)) / 1024;
    figures.push({
      label: `${shape}, ${3 * n} clusters: wall (process start to files written), median of ${RUNS}`,
      value: `${ms(wall)} (render+write ${ms(median(samples.map((s) => s.renderMs)))}), peak RSS ${rss.toFixed(0)} MiB, ${samples[0].manifests} manifests, ${(samples[0].bytes / 1024).toFixed(0)} KiB`,
    });
  }
  const perCluster = (walls[walls.length - 1] - walls[0]) / (3 * (SIZES[SIZES.length - 1] - SIZES[0]));
  figures.push({
    label: `${shape}: marginal cost per added cluster (slope between smallest and largest)`,
    value: `${perCluster.toFixed(2)} ms`,
  });
  figures.push({
    label: `${shape}: growth ${3 * SIZES[0]} → ${3 * SIZES[SIZES.length - 1]} clusters (×${SIZES[SIZES.length - 1] / SIZES[0]})`,
    value: `wall ×${(walls[walls.length - 1] / walls[0]).toFixed(2)}`,
  });
  return figures;
}
