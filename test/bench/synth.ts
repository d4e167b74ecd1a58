import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFixture } from '../support/fixtures';
import { REPO_ROOT } from '../../lib/paths';
import { renderEnvironmentsAsync } from '../../synth/synth';
import { type Bench, median, ms } from './harness';

const RUNS = 7;

/** Synth as users run it: a fresh node process rendering every environment and writing files. */
export const synthBench: Bench = {
  name: 'synth (all environments)',
  async run() {
    const out = mkdtempSync(join(tmpdir(), 'krate-bench-'));
    const walls: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'synth', '--out', join(out, 'dist')], {
          encoding: 'utf8',
        });
        walls.push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr}`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const inProcess: number[] = [];
    let manifests = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      manifests = (await renderEnvironmentsAsync(resolveFixture())).size; // what synth runs: helm renders overlap
      inProcess.push(performance.now() - t0);
    }
    const wall = median(walls);
    return [
      { label: 'wall time, median of 7 (process start to files written)', value: ms(wall) },
      { label: 'render only, in process, median of 7', value: ms(median(inProcess)) },
      { label: 'manifests', value: String(manifests) },
      { label: 'manifests per second (wall)', value: (manifests / (wall / 1000)).toFixed(0) },
    ];
  },
};
