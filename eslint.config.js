import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const modulesRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'packages/server/src/modules');

/** A module is reached only through its index.ts: `../commerce`, never `../commerce/service`. */
const moduleDoors = {
  meta: { type: 'problem', messages: { internal: "'{{source}}' reaches inside the {{module}} module: import from its index.ts ('{{door}}') instead" } },
  create(context) {
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(modulesRoot, path.resolve(path.dirname(context.filename), source));
      if (target.startsWith('..') || path.isAbsolute(target)) return;
      const [module, ...rest] = target.split(path.sep);
      if (rest.length === 0 || (rest.length === 1 && rest[0] === 'index')) return;
      const own = path.relative(path.join(modulesRoot, module), context.filename);
      if (!own.startsWith('..')) return;
      const door = path.relative(path.dirname(context.filename), path.join(modulesRoot, module));
      context.report({ node: node.source, messageId: 'internal', data: { source, module, door: door.startsWith('.') ? door : `./${door}` } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.flywheel/**', 'packages/web/dist/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { flywheel: { rules: { 'module-doors': moduleDoors } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through platform/config.ts' }],
      'flywheel/module-doors': 'error',
    },
  },
  // Tests and benchmarks pass the environment on to the processes they start.
  { files: ['packages/server/src/platform/config.ts', 'bench/**', 'vitest.config.ts', 'packages/server/src/testing/**', '**/*.test.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
