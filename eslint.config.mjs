// Guard rails (`npm run lint`, in .ci/run): promises are awaited or deliberately voided, and imports run
// one way (server → engine → workflows' contracts; nothing below imports the server). Workflows are bundled into Temporal's sandbox: no Node built-ins, no server code, activities
// only as types. Activities never reach back into the server; the pure modules do no I/O.
import tseslint from 'typescript-eslint';

import { builtinModules } from 'node:module';

const builtinMessage = 'Pure code: no Node built-ins (I/O belongs to activities or the server).';
const nodeBuiltins = { group: ['node:*'], message: builtinMessage };
const bareBuiltins = builtinModules.map((name) => ({ name, message: builtinMessage }));
const serverCode = { group: ['**/server', '**/server/**'], message: 'Imports run one way: the server imports this, never the reverse.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.cache/**', 'test/artifacts/**', 'cli/bin.js', 'eslint.config.mjs', 'vitest*.mts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: bareBuiltins,
          patterns: [
            nodeBuiltins,
            serverCode,
            {
              group: ['**/activities/**', '**/store/**', '**/usecases/**', '**/engine/**'],
              allowTypeImports: true,
              message: 'Workflows reach activities through proxyActivities: import their types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [serverCode] }] },
  },
  {
    files: ['common/**/*.ts', 'usecases/**/*.ts', 'store/**/*.ts', 'engine/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [serverCode] }] },
  },
  {
    files: ['common/**/*.ts', 'usecases/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: bareBuiltins, patterns: [nodeBuiltins, serverCode] }] },
  },
  {
    // The policy core is pure; reading files and git lives in policy/io/.
    files: ['policy/**/*.ts'],
    ignores: ['policy/io/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: bareBuiltins, patterns: [nodeBuiltins, serverCode] }] },
  },
);
