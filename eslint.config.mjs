// typescript-eslint's recommended rules over every TypeScript source; `npm test` runs it (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.build/', '.tools/', 'dist/', 'apps/bootstrap/', 'charts/', 'coverage/', 'imports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
        performance: 'readonly',
        structuredClone: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The sources (every folder but test/ and imports/) have no any and may not hide one: a comment that
  // names no-explicit-any (as the directive disabling it must) is an error, and so is a disable directive
  // that disables nothing. test/repo/no-any.test.ts checks the same on the text of every source file.
  {
    files: ['main.ts', '{lib,environments,policies,config,constructs,synth,analysis,cli}/**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'no-warning-comments': ['error', { terms: ['no-explicit-any'], location: 'anywhere' }] },
  },
  // Tests poke into parsed YAML/JSON of rendered manifests; the sources themselves have no any.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
