import { defineConfig } from 'vitest/config';

// Two suites, one command: unit tests need nothing; integration and e2e tests share one real stack
// (embedded Postgres, migrations, zero-cache, API) started once per run by tests/setup/stack.ts.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'stack',
          include: [
            'tests/integration/**/*.test.ts',
            'tests/e2e/**/*.test.ts',
            'tests/chaos/**/*.test.ts',
          ],
          globalSetup: ['tests/setup/stack.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
