// ESLint (flat config) for src/, test/, prisma/ and codegen.ts: `npm run lint`. Type-checked rules from
// typescript-eslint catch unhandled promises (fire-and-forget, async callbacks where a void one is expected).
import path from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const root = path.resolve(import.meta.dirname, "..");

export default tseslint.config(
  { basePath: root },
  { ignores: ["src/generated/**", "test/gql/**", "dist/**", "node_modules/**", "test/bench/peer/**", "data/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-unused-vars": "off",
      "no-undef": "off", // TypeScript checks names
      "no-redeclare": "off",
      "no-control-regex": "off", // input checks reject NUL on purpose (/^[^\u0000]*$/)
    },
  },
);
