// Loads the repository's typed data files (environments/*.ts) from the current sources on every
// run: esbuild bundles one file in memory (type-only imports vanish, local data imports are
// inlined) and the result is evaluated in a fresh V8 context with no require, process or file
// system and a one-second limit, so a stray loop or import fails clearly instead of hanging.
import { buildSync, transformSync, type Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Evaluates the text of one TypeScript data file (no local imports), e.g. a file read from git
 * history. With `cacheDir` the transpiled code is kept there, keyed by the text.
 */
export function evaluateDataSource(text: string, origin: string, cacheDir?: string): Record<string, unknown> {
  const cacheFile = cacheDir ? join(cacheDir, `src-${createHash('sha256').update(text).digest('hex').slice(0, 32)}.js`) : undefined;
  let code: string | undefined;
  if (cacheFile) {
    try {
      code = readFileSync(cacheFile, 'utf8');
    } catch {
      code = undefined;
    }
  }
  if (code === undefined) {
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
    if (cacheDir && cacheFile) writeCache(cacheDir, cacheFile, code);
  }
  return evaluateData(code, origin);
}

/** Writes a cache file atomically; a cache that cannot be written only costs the next run a rebuild. */
function writeCache(cacheDir: string, cacheFile: string, content: string): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, content);
    renameSync(partial, cacheFile);
  } catch {
    // Nothing to do: the next run rebuilds.
  }
}

/** What one esbuild run made of some data files: each file's code and the files bundled into it. */
interface Bundled {
  readonly code: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  /** sha256 of every input file, so a cached bundle is used only while all of them are unchanged. */
  readonly digests: Readonly<Record<string, string>>;
}

const digest = (root: string, file: string): string | undefined => {
  try {
    return createHash('sha256')
      .update(readFileSync(join(root, file)))
      .digest('hex');
  } catch {
    return undefined;
  }
};

function bundle(files: readonly string[], root: string): Bundled {
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
  const asSource = (out: string): string => out.replace(/\.js$/, '.ts');
  const code = Object.fromEntries(result.outputFiles.map((o) => [asSource(relative(join(root, '.data-modules'), o.path)), o.text]));
  const inputs = Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([out, meta]) => [asSource(relative('.data-modules', out)), Object.keys(meta.inputs)]),
  );
  const all = [...new Set(Object.values(inputs).flat())];
  return { code, inputs, digests: Object.fromEntries(all.map((f) => [f, digest(root, f) ?? ''])) };
}

/** The cached bundle of these files, when every file it was built from is unchanged. */
function cached(cacheFile: string, root: string): Bundled | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as Bundled;
    return Object.entries(entry.digests).every(([f, d]) => digest(root, f) === d) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bundles and evaluates data files of the working tree (repository-relative paths), in one esbuild
 * run; build errors of every file are reported together. With `cacheDir` the bundle is kept there,
 * keyed by the files' names and contents and checked against every file it was built from, so an
 * unchanged tree skips esbuild and a change to any input rebuilds.
 */
export function loadDataModules(files: readonly string[], root: string, cacheDir?: string): Map<string, DataModule> {
  const key = createHash('sha256')
    .update(JSON.stringify(files.map((f) => [f, digest(root, f) ?? ''])))
    .digest('hex')
    .slice(0, 32);
  const cacheFile = cacheDir ? join(cacheDir, `${key}.json`) : undefined;
  let bundled = cacheFile ? cached(cacheFile, root) : undefined;
  if (!bundled) {
    bundled = bundle(files, root);
    if (cacheDir && cacheFile) writeCache(cacheDir, cacheFile, JSON.stringify(bundled));
  }
  const result = bundled;
  return new Map(
    files.map((file) => {
      const code = result.code[file];
      if (code === undefined) throw new ConfigError([`${file}: esbuild produced no output for it`]);
      return [file, { exports: evaluateData(code, file), inputs: result.inputs[file] ?? [file] }];
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
