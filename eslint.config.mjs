// Lint, and the dependency rule of the parts (README "How it works"):
//   protocol  imports nothing of ours
//   core      imports protocol only
//   client    imports protocol and core, never server or app
//   server    imports protocol and core, never client or app
//   app       wires everything
import tseslint from 'typescript-eslint';

const forbid = (...parts) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: parts.map((p) => ({
        group: [`@/${p}`, `@/${p}/*`, `**/${p}/*`, `../${p}`, `../../${p}`],
        message: `Dependency rule (README "How it works"): this part may not import "${p}".`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'public/**', 'drizzle/**', 'bench/results/**', 'next-env.d.ts', '*.config.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['src/protocol/**'], rules: forbid('core', 'client', 'server', 'app') },
  { files: ['src/core/**'], rules: forbid('client', 'server', 'app') },
  // Integration tests wire the real server handlers to the client engine, as the app does.
  { files: ['src/client/**'], ignores: ['src/client/**/*.integration.test.ts', 'src/client/testing/in-process-world.ts'], rules: forbid('server', 'app') },
  { files: ['src/server/**'], rules: forbid('client', 'app') },
  { files: ['scripts/**', 'bench/**', 'e2e/**', '**/*.test.ts'], rules: { 'no-console': 'off' } },
  // Plain Node scripts (scripts/*.mjs) are outside tsconfig: lint them without type information.
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
