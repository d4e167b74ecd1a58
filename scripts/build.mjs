// Transpile-only build (no type-check: `npm test` runs tsc). Bundles our own code into ESM
// under .build/, leaving packages external so npm's installed copies are the ones that run.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, '.build');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['main.ts', 'cli/main.ts', 'test/bench/index.ts'],
  outdir,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  // Sources use __dirname (jest runs them as CommonJS); give the ESM bundle the same names.
  banner: {
    js: "import { fileURLToPath as __krateFileURLToPath } from 'node:url'; import { dirname as __krateDirname } from 'node:path'; const __filename = __krateFileURLToPath(import.meta.url); const __dirname = __krateDirname(__filename);",
  },
  logLevel: 'warning',
});
