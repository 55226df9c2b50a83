import { defineConfig } from 'vitest/config';

// Temporal's native bridge wants real processes, and each file owns its own
// server (time skipping is global to an environment), so files run one at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
