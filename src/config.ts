import path from "node:path";
import { z } from "zod";

/** Which database engine to use: embedded PGlite (default) or a real PostgreSQL server. */
export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string }
  | { kind: "postgres"; url: string };

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  /** JSON file `{ "<sha256>": "<document>" }` of allowed operations (e.g. test/gql/persisted-documents.json); unset = none. */
  GRAPHQL_PERSISTED_OPERATIONS: z.string().min(1).optional(),
  /** With a persisted-operations file: also run operations sent as text (false = only persisted ones). */
  GRAPHQL_ALLOW_ARBITRARY_OPERATIONS: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  /** Require an `x-graphql-yoga-csrf` header on requests a browser sends without a CORS preflight (GET, forms, text/plain). */
  GRAPHQL_CSRF_PREVENTION: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  ADMIN_TOKEN: z.string().min(1).optional(),
  VK_MANDATORY: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

export type Config = Readonly<z.infer<typeof envSchema> & { database: DatabaseTarget }>;

/** Resolves the database from the environment: DATABASE_URL wins, else PGlite in $DATA_DIR/pglite. */
export function databaseTarget(env: { DATABASE_URL?: string; DATA_DIR?: string }): DatabaseTarget {
  if (env.DATABASE_URL) return { kind: "postgres", url: env.DATABASE_URL };
  const dataDir = env.DATA_DIR ?? "./data";
  if (dataDir.startsWith("memory://")) return { kind: "pglite", dataDir };
  return { kind: "pglite", dataDir: path.resolve(dataDir, "pglite") };
}

/** Parses and validates the process environment; throws a readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze({ ...parsed.data, database: databaseTarget(parsed.data) });
}

/** Where a database lives, for logs: never includes a password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === "pglite") return `PGlite (embedded) at ${target.dataDir}`;
  const u = new URL(target.url);
  return `PostgreSQL at ${u.hostname}:${u.port || "5432"}${u.pathname}`;
}
