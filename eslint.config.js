// Lint rules that hold the design in place: type-aware checks, no `any`, exhaustive switches, and
// exactly one place (the transport) that may open outbound HTTP.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outboundHttp = {
  paths: [
    { name: 'undici', message: 'Outbound HTTP goes through src/providers/transport only.' },
    {
      name: 'node:http',
      importNames: ['request', 'get', 'Agent'],
      message: 'Outbound HTTP goes through src/providers/transport only.',
    },
    { name: 'node:https', message: 'Outbound HTTP goes through src/providers/transport only.' },
    { name: 'axios', message: 'Outbound HTTP goes through src/providers/transport only.' },
    { name: 'node-fetch', message: 'Outbound HTTP goes through src/providers/transport only.' },
    ...['p-retry', 'async-retry', 'retry', 'exponential-backoff', 'axios-retry', 'cockatiel'].map((name) => ({
      name,
      message: 'Retries go through src/executor/retry-policy.ts only.',
    })),
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': ['error', outboundHttp],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Outbound HTTP goes through src/providers/transport only.' },
      ],
    },
  },
  {
    // The one transport, and the simulator (a server, plus its own raw-socket fault injection).
    files: ['src/providers/transport/**', 'src/sim/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
  {
    // Tests and benchmarks act as clients and peers; they may speak HTTP directly.
    files: ['test/**', 'bench/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', URL: 'readonly', console: 'readonly' },
    },
  },
);
