#!/usr/bin/env node
// Thin launcher: the CLI is precompiled into .build/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', '.build', 'cli', 'main.mjs');
if (!existsSync(entry)) {
  console.error('krate-policy: not built yet; run `npm ci` (or `npm run build`) in the repository first.');
  process.exit(2);
}
await import(pathToFileURL(entry).href);
