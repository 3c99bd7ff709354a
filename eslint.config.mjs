import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Folders whose code is pure logic: they must run in plain Node, so they never import `vscode`.
const pureFolders = ['src/analyzers', 'src/cluster', 'src/istio', 'src/mesh', 'src/install', 'src/injection', 'src/upgrade', 'src/yaml', 'src/util'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': ['error', { paths: [{ name: 'child_process', message: 'Use node:child_process.' }] }],
    },
  },
  {
    files: pureFolders.map((f) => `${f}/**/*.ts`),
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Logic folders stay free of VS Code so they run in plain Node; put VS Code glue in src/views, src/commands or src/editor.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
