// The CLI's build, keyed by content so no command ever runs stale code: `ensureBuild()` hashes every
// source the bundle is made of (a few ms) and bundles them with esbuild (transpile only, no
// type-check: `npm test` runs tsc) into .build/<hash>/ only when that folder is missing. Packages
// stay external, so npm's installed copies are the ones that run.
//
// Safe to run concurrently (jest spawns the CLI in parallel) and to interrupt: each build is written
// to a temporary folder and renamed into place; a loser of the rename race uses the winner's build.
// A failed build changes nothing, so fixing the file makes every command work again.
//
//   node scripts/build.mjs      builds the current sources (npm ci's prepare step pre-builds)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders (and files) whose *.ts the bundle is built from; the build refuses to bundle anything else. */
const SOURCES = [
  'main.ts',
  'imports',
  'environments',
  'lib',
  'policies',
  'config',
  'constructs',
  'synth',
  'analysis',
  'cli',
  'test/bench',
  'test/support',
];
/** Files that change the output without being bundled: the lock (esbuild's version), the compiler settings, this script. */
const BUILD_INPUTS = ['package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
const ENTRY_POINTS = ['main.ts', 'cli/main.ts', 'test/bench/index.ts'];
/** Builds kept besides the current one, most recently used first (older ones are removed). */
const KEEP = 4;
/** A temporary build folder this old was left by an interrupted run. */
const STALE_TEMP_MS = 10 * 60 * 1000;
const HASH = /^[0-9a-f]{16}$/;
const TEMP = /^tmp-[0-9a-f]{16}-/;

/**
 * Stable entry points at the paths the pre-hash layout used (.build/cli/main.mjs, .build/main.mjs,
 * .build/test/bench/index.mjs): callers that spawn them (and `diff --base` of a ref from either
 * layout, which runs `node scripts/build.mjs` then `.build/cli/main.mjs`) get the current build.
 */
const SHIMS = { 'cli/main.mjs': 'cli/main.mjs', 'main.mjs': 'main.mjs', 'test/bench/index.mjs': 'test/bench/index.mjs' };

/** A build that esbuild refused; `problems` are `file:line:col: message` lines. */
export class BuildError extends Error {
  constructor(problems) {
    super(problems.join('\n'));
    this.name = 'BuildError';
    this.problems = problems;
  }
}

function walk(root, rel, out) {
  const abs = join(root, rel);
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    return; // a source folder a checkout does not have
  }
  if (stat.isFile()) {
    if (rel.endsWith('.ts')) out.push(rel);
    return;
  }
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) walk(root, child, out);
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(child);
  }
}

/** The sources the bundle is built from (repository-relative, `/`-separated, sorted). */
export function sourceFiles(root = ROOT) {
  const files = [];
  for (const source of SOURCES) walk(root, source, files);
  return files.sort();
}

/** The content hash naming the build of `root`'s current sources. */
export function sourceKey(root = ROOT) {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(root), ...BUILD_INPUTS]) {
    let content;
    try {
      content = readFileSync(join(root, file));
    } catch {
      content = Buffer.alloc(0);
    }
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The folder holding the build of `root`'s current sources, building it first when missing.
 * Throws BuildError when the sources do not compile; nothing under .build/ changes then.
 */
export async function ensureBuild(root = ROOT) {
  const buildDir = join(root, '.build');
  const key = sourceKey(root);
  const dir = join(buildDir, key);
  if (existsSync(join(dir, 'cli', 'main.mjs'))) {
    markUsed(dir);
  } else {
    await buildInto(root, buildDir, key);
    prune(buildDir, key);
  }
  writeShims(buildDir);
  return dir;
}

async function buildInto(root, buildDir, key) {
  const { build } = await import('esbuild');
  mkdirSync(buildDir, { recursive: true });
  const temp = join(buildDir, `tmp-${key}-${process.pid}-${Date.now().toString(36)}`);
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: ENTRY_POINTS,
      outdir: temp,
      outbase: '.',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      metafile: true,
      // Sources use __dirname (jest runs them as CommonJS); give the ESM bundle the same names.
      banner: {
        js: "import { fileURLToPath as __krateFileURLToPath } from 'node:url'; import { dirname as __krateDirname } from 'node:path'; const __filename = __krateFileURLToPath(import.meta.url); const __dirname = __krateDirname(__filename);",
      },
      logLevel: 'silent',
    });
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    if (Array.isArray(e?.errors) && e.errors.length > 0) throw new BuildError(e.errors.map(formatMessage));
    throw e;
  }
  for (const w of result.warnings) console.error(`warning: ${formatMessage(w)}`);
  // The key must cover every bundled file, or an edit to it would run a stale build.
  const keyed = new Set(sourceFiles(root));
  const unkeyed = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/') && !keyed.has(f.split(sep).join('/')));
  if (unkeyed.length > 0) {
    rmSync(temp, { recursive: true, force: true });
    throw new BuildError(
      unkeyed.map((f) => `${f}: bundled but not part of the build key (add it to SOURCES in scripts/build.mjs, or import a .ts file)`),
    );
  }
  try {
    renameSync(temp, join(buildDir, key));
  } catch (e) {
    // Another process built the same sources first: its build is identical, use it.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(buildDir, key, 'cli', 'main.mjs'))) throw e;
  }
}

/** `file:line:col: message` (1-based column, as editors count). */
function formatMessage(m) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${m.text}`;
}

function markUsed(dir) {
  const now = new Date();
  try {
    utimesSync(dir, now, now);
  } catch {
    // a read-only checkout: pruning order is all this affects
  }
}

/** Keeps the KEEP most recently used builds besides `current`; removes interrupted temp builds and the pre-hash layout's files. */
function prune(buildDir, current) {
  const builds = [];
  for (const entry of readdirSync(buildDir, { withFileTypes: true })) {
    const path = join(buildDir, entry.name);
    if (entry.isDirectory() && HASH.test(entry.name)) {
      if (entry.name !== current) builds.push({ path, used: mtime(path) });
    } else if (entry.isDirectory() && TEMP.test(entry.name)) {
      if (Date.now() - mtime(path) > STALE_TEMP_MS) rmSync(path, { recursive: true, force: true });
    } else if (entry.isDirectory() && (entry.name === 'cli' || entry.name === 'test')) {
      removeAllBut(path, buildDir);
    } else if (!(entry.name in SHIMS) && !isFreshTemp(path)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  builds.sort((a, b) => b.used - a.used);
  for (const old of builds.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}

function removeAllBut(dir, buildDir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeAllBut(path, buildDir);
    else if (!(relative(buildDir, path).split(sep).join('/') in SHIMS) && !isFreshTemp(path)) rmSync(path, { force: true });
  }
}

/** A shim another run is writing right now (see writeShims). */
function isFreshTemp(path) {
  return path.endsWith('.tmp') && Date.now() - mtime(path) < STALE_TEMP_MS;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function shimText(target) {
  const up = '../'.repeat(target.split('/').length);
  return [
    '// Generated by scripts/build.mjs: runs the build of the current sources (built first when missing).',
    `import { runEntry } from '${up}scripts/build.mjs';`,
    `await runEntry(${JSON.stringify(target)});`,
    '',
  ].join('\n');
}

function writeShims(buildDir) {
  for (const [path, target] of Object.entries(SHIMS)) {
    const file = join(buildDir, path);
    const text = shimText(target);
    let current;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, text);
      renameSync(temp, file);
    } catch (e) {
      // A concurrent run's prune removed our temp file; fine if some run wrote the shim.
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) throw e;
    }
  }
}

/** ensureBuild, or on a BuildError one `error: file:line:col: message` line per error and exit 2 (never a stack trace unless --debug). */
export async function buildOrExit(root = ROOT) {
  try {
    return await ensureBuild(root);
  } catch (e) {
    if (e instanceof BuildError) {
      for (const p of e.problems) console.error(`error: ${p}`);
      console.error(`krate-policy: the sources do not build (${e.problems.length} error(s)); fix the file(s) above and rerun.`);
    } else {
      // Not the sources' fault: e.g. .build/ cannot be written (a read-only checkout).
      const detail = process.argv.includes('--debug')
        ? (e?.stack ?? String(e))
        : `${e?.message ?? String(e)} (rerun with --debug for the stack trace)`;
      console.error(`krate-policy: cannot build into ${join(root, '.build')}: ${detail}`);
    }
    process.exit(2);
  }
}

/** Builds when needed, then runs `entry`, a path inside the build (e.g. 'cli/main.mjs'). */
export async function runEntry(entry, root = ROOT) {
  const dir = await buildOrExit(root);
  await import(pathToFileURL(join(dir, entry)).href);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildOrExit();
