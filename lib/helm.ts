import { spawnSync } from 'node:child_process';
import { toolPath } from './paths';

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the project-local helm. Values, when given, go in on stdin (`-f -`): no temporary files. */
export function helm(args: readonly string[], values?: unknown): HelmResult {
  const extra = values === undefined ? [] : ['-f', '-'];
  const r = spawnSync(toolPath('helm'), [...args, ...extra], {
    encoding: 'utf8',
    input: values === undefined ? undefined : JSON.stringify(values),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
