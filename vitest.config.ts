import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Gateways built by tests keep their request log in memory, not in a file in the working tree.
    env: { SWITCHYARD_REQUEST_LOG_PATH: ':memory:' },
  },
});
