#!/usr/bin/env node
// Thin launcher: builds the current sources when they changed (content-keyed, see scripts/build.mjs),
// then runs the CLI from .build/<hash>/. Every command acts on the sources as they are now.
import { runEntry } from '../scripts/build.mjs';

// --debug prints an internal error's stack; map it to the TypeScript sources.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await runEntry('cli/main.mjs');
