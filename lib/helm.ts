import { spawn, spawnSync } from 'node:child_process';
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

/** helm() without blocking: several renders run at once (each helm is a separate process). */
export function helmAsync(args: readonly string[], values?: unknown): Promise<HelmResult> {
  const extra = values === undefined ? [] : ['-f', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath('helm'), [...args, ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ status: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(values === undefined ? undefined : JSON.stringify(values));
  });
}

/** Runs the project-local kubectl (`kubectl kustomize`), as helm() runs helm. */
export function kubectl(args: readonly string[]): HelmResult {
  const r = spawnSync(toolPath('kubectl'), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
