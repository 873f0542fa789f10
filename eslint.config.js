// One lint setup for the whole monorepo. Layer rules keep the architecture honest:
// the engine imports no app, the dashboard imports no engine and no Node built-ins.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'e2e/test-results/**', 'e2e/playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['fastify', '@fastify/*', 'better-sqlite3', 'react', 'react-dom', 'zustand', 'recharts'], message: 'The engine is a data-plane library: no web, store or UI dependencies.' },
          { group: ['@fulcrum/admin', '@fulcrum/dashboard', '**/apps/**'], message: 'The engine imports no app.' },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'The engine takes its settings from apply(config), never from the environment.' }],
    },
  },
  {
    // On Node ≥ 24.19 a garbage-collected better-sqlite3 12 statement or connection aborts the
    // process: every connection comes from openDatabase(), which never lets one become garbage.
    files: ['apps/admin/**/*.ts'],
    ignores: ['apps/admin/src/store/retained-database.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'better-sqlite3', importNames: ['default'], allowTypeImports: true, message: 'Open connections with openDatabase() (src/store/retained-database.ts): a collected one aborts Node 24.' }],
      }],
      'no-restricted-properties': ['error', { property: 'iterate', message: 'A statement iterator is a native object that would be garbage-collected, which aborts Node 24: use all().' }],
    },
  },
  {
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@fulcrum/engine', '**/packages/engine/**'], message: 'The dashboard never imports the engine: talk to the admin API.' },
          { group: ['@fulcrum/admin', '**/apps/admin/**'], message: 'The dashboard imports no admin code; shared types live in @fulcrum/shared.' },
          { group: ['node:*'], message: 'The dashboard runs in the browser.' },
        ],
      }],
    },
  },
  {
    // The dashboard's build plugins run in Node (Vite), not in the browser.
    files: ['apps/dashboard/build/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@fulcrum/engine', '**/packages/engine/**'], message: 'The dashboard never imports the engine: talk to the admin API.' },
          { group: ['@fulcrum/admin', '**/apps/admin/**'], message: 'The dashboard imports no admin code; shared types live in @fulcrum/shared.' },
        ],
      }],
    },
  },
  {
    // Socket tests of dashboard code run in Node (STYLE: sockets in test/), still never engine or admin code.
    files: ['apps/dashboard/test/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@fulcrum/engine', '**/packages/engine/**'], message: 'The dashboard never imports the engine: talk to the admin API.' },
          { group: ['@fulcrum/admin', '**/apps/admin/**'], message: 'The dashboard imports no admin code; shared types live in @fulcrum/shared.' },
        ],
      }],
    },
  },
  {
    files: ['packages/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@fulcrum/*', 'node:*'], message: 'shared holds plain types and schemas only.' }] }],
    },
  },
);
