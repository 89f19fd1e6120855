import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// Every test file runs twice: on embedded PGlite and on a real PostgreSQL (both migrated by the real CLI).
const shared = {
  include: ["test/**/*.test.ts"],
  setupFiles: ["test/helpers/setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 120_000,
};

const require = createRequire(import.meta.url);

export default defineConfig({
  // One graphql-js instance: vite would load graphql's ESM build while yoga/Pothos load the CJS one,
  // and `instanceof GraphQLError` across the two fails (errors get masked in tests only).
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    root: new URL("..", import.meta.url).pathname,
    reporters: ["default"],
    projects: [
      { extends: true, test: { ...shared, name: "pglite", globalSetup: ["test/helpers/global-setup.ts"], env: { TEST_DB: "pglite" } } },
      { extends: true, test: { ...shared, name: "postgres", globalSetup: ["test/helpers/global-setup.ts"], env: { TEST_DB: "postgres" } } },
    ],
  },
});
