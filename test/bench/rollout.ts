import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { type Bench, median, ms } from './harness';

const RUNS = 5;

/** The ladder commands as CI and people run them: a fresh node process each. */
export const rolloutBench: Bench = {
  name: 'ladder commands (fresh process each)',
  async run() {
    const cli = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
    const time = (args: string[]): number => {
      const walls: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
        walls.push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
      }
      return median(walls);
    };
    return [
      { label: `rollout check --base HEAD, median of ${RUNS}`, value: ms(time(['rollout', 'check', '--base', 'HEAD'])) },
      { label: `status --format markdown, median of ${RUNS}`, value: ms(time(['status', '--format', 'markdown'])) },
      { label: `check, median of ${RUNS}`, value: ms(time(['check'])) },
    ];
  },
};
