import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.flywheel/**', 'packages/web/dist/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through platform/config.ts' }],
    },
  },
  // Tests and benchmarks pass the environment on to the processes they start.
  { files: ['packages/server/src/platform/config.ts', 'bench/**', 'vitest.config.ts', 'packages/server/src/testing/**', '**/*.test.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
