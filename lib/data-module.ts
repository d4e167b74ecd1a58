// Loads the repository's typed data files (environments/*.ts) from the current sources on every
// run: esbuild bundles one file in memory (type-only imports vanish, local data imports are
// inlined) and the result is evaluated in a fresh V8 context with no require, process or file
// system and a one-second limit, so a stray loop or import fails clearly instead of hanging.
import { buildSync, transformSync, type Message } from 'esbuild';
import { join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ConfigError } from './errors';

/** The time a data file may take to evaluate. */
export const DATA_TIME_LIMIT_MS = 1000;

/** A data module's exports as plain data, and the files it was built from. */
export interface DataModule {
  readonly exports: Readonly<Record<string, unknown>>;
  /** Repository-relative paths of every file bundled into it. */
  readonly inputs: readonly string[];
}

function formatMessages(messages: readonly Message[], root: string): string[] {
  return messages.map((m) => {
    const where = m.location
      ? `${relative(root, m.location.file) || m.location.file}:${m.location.line}:${m.location.column + 1}`
      : 'build';
    return `${where}: ${m.text}`;
  });
}

/** Evaluates CommonJS code in the sandbox and returns its exports as plain data. */
export function evaluateData(code: string, origin: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      throw new ConfigError([`${origin}: imports '${name}' at run time; data files must stay plain data (type-only imports are fine)`]);
    },
  };
  try {
    runInNewContext(code, sandbox, { filename: origin, timeout: DATA_TIME_LIMIT_MS });
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const message = (e as Error).message ?? String(e);
    if (/timed out/i.test(message))
      throw new ConfigError([`${origin}: did not finish within ${DATA_TIME_LIMIT_MS} ms (a loop?); data files must be plain data`]);
    throw new ConfigError([`${origin}: could not be evaluated: ${message}`]);
  }
  // JSON round trip: plain objects of this realm, no getters or functions from the sandbox.
  return JSON.parse(JSON.stringify(module.exports ?? {})) as Record<string, unknown>;
}

/** Evaluates the text of one TypeScript data file (no local imports), e.g. a file read from git history. */
export function evaluateDataSource(text: string, origin: string): Record<string, unknown> {
  let code: string;
  try {
    code = transformSync(text, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    throw new ConfigError(
      errors?.length
        ? errors.map((m) => `${origin}:${m.location?.line ?? 0}:${(m.location?.column ?? 0) + 1}: ${m.text}`)
        : [`${origin}: not valid TypeScript`],
    );
  }
  return evaluateData(code, origin);
}

/**
 * Bundles and evaluates data files of the working tree (repository-relative paths), in one esbuild
 * run: one process start instead of one per file. Build errors of every file are reported together.
 */
export function loadDataModules(files: readonly string[], root: string): Map<string, DataModule> {
  let result;
  try {
    result = buildSync({
      entryPoints: files.map((f) => join(root, f)),
      absWorkingDir: root,
      outdir: join(root, '.data-modules'),
      outbase: root,
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    throw new ConfigError(
      errors.length > 0 ? formatMessages(errors, root) : [`${files.join(', ')}: could not be built: ${(e as Error).message}`],
    );
  }
  const outputs = new Map(result.outputFiles.map((o) => [relative(join(root, '.data-modules'), o.path).replace(/\.js$/, '.ts'), o.text]));
  const inputsOf = new Map(
    Object.entries(result.metafile.outputs).map(([out, meta]) => [
      relative('.data-modules', out).replace(/\.js$/, '.ts'),
      Object.keys(meta.inputs),
    ]),
  );
  return new Map(
    files.map((file) => {
      const code = outputs.get(file);
      if (code === undefined) throw new ConfigError([`${file}: esbuild produced no output for it`]);
      return [file, { exports: evaluateData(code, file), inputs: inputsOf.get(file) ?? [file] }];
    }),
  );
}

/** Bundles and evaluates one data file of the working tree. */
export function loadDataModule(file: string, root: string): DataModule {
  const rel = relative(root, file);
  const module = loadDataModules([rel], root).get(rel);
  if (!module) throw new ConfigError([`${rel}: could not be loaded`]);
  return module;
}
