// Jest transform: esbuild compiles TypeScript sources and ESM-only dependencies to CommonJS
// (transpile only; `npm test` type-checks with tsc first).
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');
const { version } = require('esbuild/package.json');

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha256').update(version).update('\0').update(path).update('\0').update(source).digest('hex');
  },
  process(source, path) {
    const loader = path.endsWith('.ts') ? 'ts' : 'js';
    const out = transformSync(source, {
      loader,
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: path,
      supported: { 'dynamic-import': false },
    });
    return { code: out.code };
  },
};
