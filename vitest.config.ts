import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "e2e/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: PGlite boots are CPU-bound, more workers only queue.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
