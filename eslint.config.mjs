// ESLint (flat config) with typescript-eslint. Beside the usual checks it guards the rooms' layering, the
// same rule the project references enforce (see ARCHITECTURE.md), with a message that says where the code belongs.
// Import cycles are `npm run lint:cycles`' (dpdm, in `npm run lint`), not a rule here: import-x/no-cycle skips
// type-only imports, and a cycle through `import type` is still a cycle between two modules (docs/testing.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The rooms, and what each may not import (relative paths into these folders, or these packages). */
const ROOMS = {
  language: { folders: ['protocol', 'store', 'trainer', 'cli', 'server', 'client'], packages: ['vscode', 'vscode-*', '@tensorflow/*', 'node:*', 'commander'] },
  // The contract is pure: types, constants and rules, no I/O (the files are store/'s).
  protocol: {
    folders: ['store', 'trainer', 'cli', 'server', 'client'],
    packages: ['vscode', 'vscode-languageserver', 'vscode-languageclient', '@tensorflow/*', 'commander', 'node:*', 'fs', 'path', 'os', 'child_process'],
  },
  store: { folders: ['trainer', 'cli', 'server', 'client'], packages: ['vscode', 'vscode-*', '@tensorflow/*', 'commander'] },
  trainer: { folders: ['cli', 'server', 'client'], packages: ['vscode', 'vscode-*', 'commander'] },
  cli: { folders: ['server', 'client'], packages: ['vscode', 'vscode-*'] },
  server: { folders: ['trainer', 'cli', 'client'], packages: ['vscode', 'vscode-languageclient', '@tensorflow/*'] },
  'client/src': { folders: ['store', 'trainer', 'cli', 'server'], packages: ['@tensorflow/*', 'vscode-languageserver'] },
  'client/webview': { folders: ['store', 'trainer', 'cli', 'server', 'client/src'], packages: ['vscode', 'vscode-*', '@tensorflow/*', 'node:*'] },
};

const boundaries = Object.entries(ROOMS).map(([room, { folders, packages }]) => ({
  files: [`${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...folders.map((folder) => ({
            regex: `^(\\.\\./)+${folder.replace('/', '\\/')}(\\/|$)`,
            message: `${room}/ may not import ${folder}/: data flows language → protocol → trainer | server → client (ARCHITECTURE.md).`,
          })),
          { group: packages, message: `${room}/ may not depend on this package (ARCHITECTURE.md says what each room may use).` },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'media/', '.vscode-test/', 'test-output/', 'test/fixtures/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  // Scripts, tests and benchmarks report on the console; bin/ and .cjs files are CommonJS.
  { files: ['scripts/**', 'test/**', 'bin/**'], rules: { 'no-console': 'off' } },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  ...boundaries,
);
