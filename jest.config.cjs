// Sources are TypeScript and several dependencies are ESM-only: esbuild turns both into CommonJS
// for jest (test/support/esbuild-transform.cjs), and test/support/resolver.cjs resolves the
// import-only packages.
const esmOnly = ['kubernetes-models', '@kubernetes-models', '@marcbachmann', 'ajv-i18n', 'is-cidr', 'cidr-regex'];

module.exports = {
  testEnvironment: 'node',
  resolver: '<rootDir>/test/support/resolver.cjs',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': '<rootDir>/test/support/esbuild-transform.cjs',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/skipped-tools-reporter.cjs'],
};
