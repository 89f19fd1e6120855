import type { CodegenConfig } from "@graphql-codegen/cli";
import { printSchema } from "graphql";
import { schema } from "./src/graphql/schema.js";

/** Run through `npm run generate` (NODE_OPTIONS=--import=tsx): the schema is built in process, no database. */
const config: CodegenConfig = {
  schema: printSchema(schema),
  documents: ["test/**/*.ts", "!test/gql/**", "!test/bench/side-by-side/**", "!test/bench/peer/**"], // those benchmark queries are assembled from text
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    "src/graphql/schema.graphql": { plugins: ["schema-ast"] },
    "test/gql/": {
      preset: "client",
      // persisted-documents.json (sha256 → document) is the allow-list GRAPHQL_PERSISTED_OPERATIONS can point at.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      config: { scalars: { DateTime: "string" }, useTypeImports: true, enumsAsTypes: true, skipTypename: true },
    },
  },
};

export default config;
