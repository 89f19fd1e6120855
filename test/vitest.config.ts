import { defineConfig } from "vitest/config";

// Every test file runs twice: on embedded PGlite and on a real PostgreSQL (both migrated by the real CLI).
const shared = {
  include: ["test/**/*.test.ts"],
  setupFiles: ["test/helpers/setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    reporters: ["default"],
    projects: [
      { extends: true, test: { ...shared, name: "pglite", globalSetup: ["test/helpers/global-setup.ts"], env: { TEST_DB: "pglite" } } },
      { extends: true, test: { ...shared, name: "postgres", globalSetup: ["test/helpers/global-setup.ts"], env: { TEST_DB: "postgres" } } },
    ],
  },
});
