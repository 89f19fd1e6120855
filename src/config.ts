import path from "node:path";
import { z } from "zod";

/** Which database engine to use: embedded PGlite (default) or a real PostgreSQL server. */
export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string }
  | { kind: "postgres"; url: string };

const bool = (fallback: "true" | "false") => z.enum(["true", "false"]).default(fallback).transform((v) => v === "true");

/** `CORS_ORIGINS`: comma-separated origins (`https://app.example.com`), or `*`; empty = no cross-origin access. */
const origins = z
  .string()
  .default("")
  .transform((s) => s.split(",").map((o) => o.trim()).filter(Boolean))
  .refine((list) => list.every((o) => o === "*" || isOrigin(o)));

function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === value;
  } catch {
    return false;
  }
}

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
  GRAPHQL_INTROSPECTION: bool("true"),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  /** JSON file `{ "<sha256>": "<document>" }` of allowed operations (e.g. test/gql/persisted-documents.json); unset = none. */
  GRAPHQL_PERSISTED_OPERATIONS: z.string().min(1).optional(),
  /** With a persisted-operations file: also run operations sent as text (false = only persisted ones). */
  GRAPHQL_ALLOW_ARBITRARY_OPERATIONS: bool("true"),
  /** Require an `x-graphql-yoga-csrf` header on requests a browser sends without a CORS preflight (GET, forms, text/plain). */
  GRAPHQL_CSRF_PREVENTION: bool("true"),
  ADMIN_TOKEN: z.string().min(1).optional(),
  /** HTTP Basic credentials acting as an admin (Bifrost-style callers); both or neither. */
  ADMIN_USERNAME: z.string().min(1).regex(/^[^:]*$/).optional(),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  /** A bearer token acting as a gateway key (enforcement only). */
  GATEWAY_TOKEN: z.string().min(1).optional(),
  /** AES-256-GCM key for secrets at rest: 32 bytes, base64. Unset: PGlite generates one in DATA_DIR. */
  ENCRYPTION_KEY: z
    .string()
    .refine((s) => Buffer.from(s.trim(), "base64").length === 32)
    .optional(),
  VK_MANDATORY: bool("false"),
  /** Audit events older than this many days are deleted (at startup and every 6 hours). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(365),
  /** Largest request body in bytes (REST and GraphQL); larger ones are answered 413 before they are read. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(1024 * 1024),
  CORS_ORIGINS: origins,
  /** Apply pending migrations before listening (false: a separate `npm run db:migrate` step does it). */
  MIGRATE_ON_START: bool("true"),
  /** Enforcement configuration cache: entries per cache (keys, routes), least recently used evicted. */
  CONFIG_CACHE_SIZE: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  /** How long an unknown key hash or a model without governance stays cached (ms). */
  CONFIG_CACHE_NEGATIVE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Checks without estimates reserve this percentile of the key+model's last ESTIMATE_SAMPLES recorded calls. */
  ESTIMATE_SAMPLES: z.coerce.number().int().min(1).max(10_000).default(50),
  ESTIMATE_PERCENTILE: z.coerce.number().gt(0).max(1).default(0.95),
  /** Smallest cost (USD) and token count such a check reserves (also what a key without history reserves). */
  ESTIMATE_FLOOR_USD: z.coerce.number().min(0).max(1e9).default(0),
  ESTIMATE_FLOOR_TOKENS: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
}).superRefine((v, ctx) => {
  if (Boolean(v.ADMIN_USERNAME) !== Boolean(v.ADMIN_PASSWORD)) {
    ctx.addIssue({ code: "custom", path: [v.ADMIN_USERNAME ? "ADMIN_PASSWORD" : "ADMIN_USERNAME"], message: "set together" });
  }
});

/** What to tell the operator for each variable: the expected value (and the default). */
const expected: Record<string, string> = {
  PORT: "an integer from 0 to 65535 (default 8080; 0 picks a free port)",
  HOST: "an address or host name to bind (default 0.0.0.0)",
  DATA_DIR: "a directory path (default ./data)",
  DATABASE_URL: "a postgres:// or postgresql:// URL (unset: the embedded database)",
  LOG_LEVEL: "one of fatal, error, warn, info, debug, trace, silent (default info)",
  GRAPHQL_INTROSPECTION: "true or false (default true)",
  GRAPHQL_MAX_DEPTH: "a positive integer (default 12)",
  GRAPHQL_MAX_COMPLEXITY: "a positive integer (default 5000)",
  GRAPHQL_PERSISTED_OPERATIONS: "a path to a JSON file (default: none)",
  GRAPHQL_ALLOW_ARBITRARY_OPERATIONS: "true or false (default true)",
  GRAPHQL_CSRF_PREVENTION: "true or false (default true)",
  ADMIN_TOKEN: "a non-empty secret (default: none)",
  ADMIN_USERNAME: "a non-empty user name without ':', set together with ADMIN_PASSWORD (default: none)",
  ADMIN_PASSWORD: "a non-empty secret, set together with ADMIN_USERNAME (default: none)",
  GATEWAY_TOKEN: "a non-empty secret (default: none)",
  ENCRYPTION_KEY: "32 bytes in base64, e.g. the output of: openssl rand -base64 32 (default: on PGlite a key generated in DATA_DIR; on PostgreSQL none)",
  VK_MANDATORY: "true or false (default false)",
  AUDIT_RETENTION_DAYS: "an integer number of days from 1 to 36500 (default 365)",
  MAX_BODY_BYTES: "an integer number of bytes from 1024 to 1073741824 (default 1048576 = 1 MiB)",
  CORS_ORIGINS: "comma-separated origins such as https://app.example.com (scheme, host, optional port, no path), or * (default: none)",
  MIGRATE_ON_START: "true or false (default true)",
  CONFIG_CACHE_SIZE: "an integer from 100 to 10000000 (default 10000)",
  CONFIG_CACHE_NEGATIVE_TTL_MS: "an integer number of milliseconds from 0 to 600000 (default 5000)",
  ESTIMATE_SAMPLES: "an integer from 1 to 10000 (default 50)",
  ESTIMATE_PERCENTILE: "a number greater than 0 and at most 1 (default 0.95)",
  ESTIMATE_FLOOR_USD: "a non-negative number of USD (default 0)",
  ESTIMATE_FLOOR_TOKENS: "a non-negative integer (default 0)",
};
/** Values never echoed in an error line. */
const secret = new Set(["ADMIN_TOKEN", "ADMIN_PASSWORD", "GATEWAY_TOKEN", "ENCRYPTION_KEY", "DATABASE_URL"]);

export type Config = Readonly<z.infer<typeof envSchema> & { database: DatabaseTarget }>;

/** Invalid environment: one line per bad variable, each naming the variable, the problem and the fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Resolves the database from the environment: DATABASE_URL wins, else PGlite in $DATA_DIR/pglite. */
export function databaseTarget(env: { DATABASE_URL?: string; DATA_DIR?: string }): DatabaseTarget {
  if (env.DATABASE_URL) return { kind: "postgres", url: env.DATABASE_URL };
  const dataDir = env.DATA_DIR ?? "./data";
  if (dataDir.startsWith("memory://")) return { kind: "pglite", dataDir };
  return { kind: "pglite", dataDir: path.resolve(dataDir, "pglite") };
}

function problem(env: NodeJS.ProcessEnv, name: string, message: string): string {
  const raw = env[name] ?? "";
  const shown = secret.has(name) ? "" : `=${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`;
  return `Invalid environment variable ${name}${shown}: expected ${expected[name] ?? message}. Fix: correct ${name} or unset it to use the default.`;
}

/** Parses and validates the process environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      if (seen.has(name)) continue;
      seen.add(name);
      problems.push(problem(env, name, issue.message.replace(/^Invalid input: /, "")));
    }
    throw new ConfigError(problems);
  }
  return Object.freeze({ ...parsed.data, database: databaseTarget(parsed.data) });
}

/** Where a database lives, for logs: never includes a password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === "pglite") return `PGlite (embedded) at ${target.dataDir}`;
  const u = new URL(target.url);
  return `PostgreSQL at ${u.hostname}:${u.port || "5432"}${u.pathname}`;
}
