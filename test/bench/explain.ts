/**
 * EXPLAIN (ANALYZE, BUFFERS) of every SQL statement a list page runs (`npx tsx test/bench/explain.ts`; not part
 * of `npm test`). On a fresh PostgreSQL database seeded like side-by-side.ts (EXPLAIN_KEYS, default 100,000), it
 * runs each page through the real service / GraphQL handler with statement capture on, then explains every
 * captured statement with its parameters and prints the plan. EXPLAIN_ONLY (regex on page names) narrows it.
 * TEST_DATABASE_URL: admin URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync } from "node:child_process";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/context.js";
import { closeDatabase, onQuery, openDatabase } from "../../src/db/client.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { listVirtualKeysJson } from "../../src/services/virtual-keys.js";
import { root } from "../helpers/process.js";
import { oursKeyset } from "./side-by-side/lists.js";
import { oursNested } from "./side-by-side/nested.js";
import { KEYS_PER_CUSTOMER, seedCustomers } from "./side-by-side/seed.js";
import { benchDatabase } from "./database.js";

const keys = Number(process.env.EXPLAIN_KEYS ?? 100_000);
const only = process.env.EXPLAIN_ONLY ? new RegExp(process.env.EXPLAIN_ONLY) : null;
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|DEALLOCATE|SET|SHOW)\b/i;

const db = await benchDatabase("gov_bench_explain");
const client = new pg.Client({ connectionString: db.url });
try {
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: "ignore" });
  await client.connect();
  await seedCustomers(client, 0, keys / KEYS_PER_CUSTOMER);
  await openDatabase({ kind: "postgres", url: db.url }, { captureQueries: true, poolSize: 2 });
  const yoga = createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: db.url, GRAPHQL_MAX_COMPLEXITY: "1000000000", GRAPHQL_MAX_DEPTH: "50" }), createLogger("silent"));
  const graphql = async (query: string, variables: object) => {
    const res = await yoga.fetch(new Request("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) }));
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const ctx = createContext();
  const pages: [string, () => Promise<unknown>][] = [
    ["REST limit=100 offset=0", () => listVirtualKeysJson(ctx, { limit: "100", offset: "0" })],
    ["REST limit=100 offset=9000", () => listVirtualKeysJson(ctx, { limit: "100", offset: "9000" })],
    ...(keys > 90_000 ? [["REST limit=100 offset=90000", () => listVirtualKeysJson(ctx, { limit: "100", offset: "90000" })] as [string, () => Promise<unknown>]] : []),
    ["REST limit=100 search=c0007", () => listVirtualKeysJson(ctx, { limit: "100", search: "c0007" })],
    ["GraphQL virtualKeys(first:100)", () => graphql(oursKeyset(false), {})],
    ["GraphQL virtualKeys(first:100) totalCount", () => graphql(oursKeyset(true), {})],
    ["GraphQL nested 10 customers × 5 keys", () => graphql(oursNested, { first: 10, keys: 5 })],
  ];
  console.log(`EXPLAIN (ANALYZE, BUFFERS) at ${keys} keys, PostgreSQL`);
  for (const [page, run] of pages) {
    if (only && !only.test(page)) continue;
    await run(); // warm: plans and buffers
    const statements: { sql: string; params: readonly unknown[] }[] = [];
    const stop = onQuery((sql, params) => {
      if (!CONTROL.test(sql)) statements.push({ sql, params: params ?? [] });
    });
    await run();
    stop();
    console.log(`\n=== ${page}: ${statements.length} statement(s)`);
    for (const [i, s] of statements.entries()) {
      const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params as unknown[]);
      console.log(`--- ${i + 1}. ${s.sql.replace(/\s+/g, " ").slice(0, 240)}${s.sql.length > 240 ? " …" : ""}`);
      for (const row of plan.rows) console.log(`    ${row["QUERY PLAN"]}`);
    }
  }
} finally {
  await closeDatabase();
  await client.end().catch(() => {});
  await db.drop();
}
