import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'protocol/**/*.test.ts',
      'server/**/*.test.ts',
      'mocks/**/*.test.{ts,tsx}',
      'web/**/*.test.{ts,tsx}',
    ],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Server tests open real sockets and real redis-servers; two workers fit two cores.
    maxWorkers: 2,
  },
});
