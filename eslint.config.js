// ESLint flat config: typescript-eslint's type-aware rules for every TypeScript file, Prettier
// owns formatting (eslint-config-prettier turns the stylistic rules off), and the layer rule of
// docs/architecture.md (domain folders never import HTTP) is enforced here so it stays true.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Domain folders: pure logic and storage, no knowledge of HTTP or of the composition root. */
const DOMAIN = [
  'card',
  'trust',
  'visits',
  'outbox',
  'sync',
  'check-in-record',
  'check-in-report',
  'users',
  'audit',
  'db',
  'verification',
  'issuer',
  'lib',
  'portal',
  'card-checks',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**', 'bench/tmp/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    files: DOMAIN.map((d) => `server/${d}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/**', '**/http/*'],
              message: 'Domain code never imports HTTP: wire it in server/app/ (docs/architecture.md).',
            },
            { group: ['**/app/**', '**/app/*'], message: 'Only the composition root (server/app/) knows every feature.' },
            { group: ['express'], message: 'Domain code does not know Express: routes live in server/http/.' },
          ],
        },
      ],
    },
  },
  {
    // The demo issuer's publishing server (`issuer serve`) is itself a small HTTP program: it may
    // use Express, but still not the kiosk's HTTP layer or composition root.
    files: ['server/issuer/serve.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/http/**', '**/http/*'], message: "The demo issuer does not use the kiosk's HTTP layer." },
            { group: ['**/app/**', '**/app/*'], message: 'Only the composition root (server/app/) knows every feature.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/wire/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./[^/]+$)', message: 'server/wire/ is the neutral contract: it imports nothing outside itself.' }] },
      ],
    },
  },
  {
    files: ['server/history-store/**/*.ts', 'server/reference-portal/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/**', '**/http/*'],
              message: "The reference store and portal are their own services: they never import the kiosk's HTTP layer.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['kiosk-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '!**/server/wire', '!**/server/wire/**'],
              message: 'The UI shares only the wire types (server/wire/) with the service.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/test/**'], message: 'bench/ and test/ share helpers through test-support/, not each other.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/bench/**'], message: 'bench/ and test/ share helpers through test-support/, not each other.' }] },
      ],
    },
  },
  {
    // Tests read JSON responses of the API under test (fetch's json() is untyped); asserting on
    // them is the test's job, so the any-propagation rules would only add casts, not safety.
    // Fakes implement the services' async interfaces synchronously, so require-await is noise.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['server/cli/**/*.ts', 'bench/**/*.ts', 'server/main.ts', 'server/history-store/main.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
