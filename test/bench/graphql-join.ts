/**
 * Join-strategy benchmark for the deep GraphQL read (`npx tsx test/bench/graphql-join.ts`; not part of `npm test`).
 * On a fresh PostgreSQL database it seeds 5,000 keys (50 customers × 10 teams × 10 keys, each key with a budget,
 * a rate limit and a provider config with its own budget), then times:
 *  - the Prisma findMany that plugin-prisma builds for the deep query, with relationLoadStrategy "join"
 *    (one statement: LATERAL joins + JSON aggregation) and "query" (one statement per relation level);
 *  - the GraphQL request itself (in process, through yoga), whose list roots use LIST_LOAD_STRATEGY (src/graphql/lists.ts);
 *  - the effectiveLimits DataLoader batch (every key's provider configs, team and customer limits) with both strategies.
 * Prints median/p95 ms and the SQL statements per run. Options: BENCH_RUNS (default 15),
 * TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { closeDatabase, db, onQuery, openDatabase } from "../../src/db/client.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { LIST_LOAD_STRATEGY } from "../../src/graphql/lists.js";
import { loadEffectiveLimits } from "../../src/graphql/types/effective-limits.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { root } from "../helpers/process.js";
import { benchDatabase } from "./database.js";

const runs = Number(process.env.BENCH_RUNS ?? 15);
const [CUSTOMERS, TEAMS, KEYS] = [50, 10, 10];

async function withDatabase<T>(body: (url: string) => Promise<T>): Promise<T> {
  const db = await benchDatabase("gov_bench_join");
  try {
    execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: "ignore" });
    return await body(db.url);
  } finally {
    await db.drop();
  }
}

async function seed(): Promise<void> {
  const customers = Array.from({ length: CUSTOMERS }, (_, c) => ({ id: randomUUID(), name: `bench-c${String(c).padStart(3, "0")}` }));
  const teams = customers.flatMap((c) => Array.from({ length: TEAMS }, (_, t) => ({ id: randomUUID(), name: `${c.name}-t${t}`, customerId: c.id })));
  const keys = teams.flatMap((t) =>
    Array.from({ length: KEYS }, (_, k) => ({ id: randomUUID(), name: `${t.name}-k${k}`, teamId: t.id, valueHash: randomBytes(32).toString("hex"), valuePrefix: "sk-bf-abcd", valueSuffix: "wxyz" })),
  );
  await db.customer.createMany({ data: customers });
  await db.team.createMany({ data: teams });
  await db.virtualKey.createMany({ data: keys });
  const configs = await db.providerConfig.createManyAndReturn({ data: keys.map((k) => ({ virtualKeyId: k.id, provider: "openai", allowedModels: ["*"], allowAllKeys: true })), select: { id: true } });
  await db.budget.createMany({
    data: [
      ...customers.map((c) => ({ customerId: c.id, maxLimit: 1000, resetDuration: "1M" })),
      ...teams.map((t) => ({ teamId: t.id, maxLimit: 100, resetDuration: "1w" })),
      ...keys.map((k, i) => ({ virtualKeyId: k.id, maxLimit: 10, resetDuration: "1d", currentUsage: i % 7 })),
      ...configs.map((pc) => ({ providerConfigId: pc.id, maxLimit: 2, resetDuration: "1h" })),
    ],
  });
  await db.rateLimit.createMany({ data: keys.map((k) => ({ virtualKeyId: k.id, requestMaxLimit: 100n, requestResetDuration: "1m" })) });
}

const byAge: Prisma.BudgetOrderByWithRelationInput[] = [{ createdAt: "asc" }, { id: "asc" }];
const limits = { budgets: { orderBy: byAge }, rateLimit: true as const };
/** What plugin-prisma selects for DeepQuery below (every customer, all their teams, every key). */
const deepArgs = {
  orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  include: {
    ...limits,
    teams: {
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      include: {
        ...limits,
        virtualKeys: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 101, include: { ...limits, providerConfigs: { orderBy: { id: "asc" }, include: limits } } },
      },
    },
  },
} satisfies Prisma.CustomerFindManyArgs;

const DeepQuery = /* GraphQL */ `
  query Deep {
    customers(first: 100) {
      totalCount
      edges { node { name budget { maxLimit remaining } rateLimit { requestMaxLimit }
        teams { name budget { maxLimit } virtualKeys(first: 100) { totalCount edges { node {
          name value budget { maxLimit usage remaining percentUsed } rateLimit { requests { remaining } }
          providerConfigs { provider budget { maxLimit remaining } }
        } } } } } }
    }
  }
`;

async function time(label: string, run: () => Promise<number>): Promise<{ label: string; median: number; p95: number; statements: number; rows: number }> {
  let statements = 0;
  const stop = onQuery(() => void statements++);
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs + 2; i++) {
    statements = 0;
    const start = performance.now();
    rows = await run();
    if (i >= 2) samples.push(performance.now() - start); // two warm-up runs
  }
  stop();
  samples.sort((a, b) => a - b);
  return { label, median: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]!, statements, rows };
}

const countKeys = (customers: { teams: { virtualKeys: unknown[] }[] }[]) => customers.reduce((n, c) => n + c.teams.reduce((m, t) => m + t.virtualKeys.length, 0), 0);

await withDatabase(async (url) => {
  await openDatabase({ kind: "postgres", url }, { captureQueries: true, poolSize: 4 });
  try {
    await seed();
    const yoga = createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: url, GRAPHQL_MAX_COMPLEXITY: "1000000000", GRAPHQL_MAX_DEPTH: "50" }), createLogger("silent"));
    const results = [
      await time('prisma findMany, relationLoadStrategy "join"', async () => countKeys(await db.customer.findMany({ ...deepArgs, relationLoadStrategy: "join" }))),
      await time('prisma findMany, relationLoadStrategy "query"', async () => countKeys(await db.customer.findMany({ ...deepArgs, relationLoadStrategy: "query" }))),
      await time(`GraphQL request (lists load with "${LIST_LOAD_STRATEGY}")`, async () => {
        const res = await yoga.fetch(new Request("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: DeepQuery }) }));
        const body = (await res.json()) as { data?: { customers: { edges: { node: { teams: { virtualKeys: { edges: unknown[] } }[] } }[] } }; errors?: unknown };
        if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
        return body.data.customers.edges.reduce((n, e) => n + e.node.teams.reduce((m, t) => m + t.virtualKeys.edges.length, 0), 0);
      }),
    ];
    const allIds = (await db.virtualKey.findMany({ select: { id: true } })).map((k) => k.id);
    for (const size of [100, allIds.length]) {
      for (const strategy of ["join", "query"] as const) {
        const ids = allIds.slice(0, size);
        results.push(await time(`effectiveLimits batch of ${size} keys, "${strategy}"`, async () => (await loadEffectiveLimits(ids, null, new Date(), strategy)).length));
      }
    }
    console.log(`deep read of ${CUSTOMERS * TEAMS * KEYS} keys (${CUSTOMERS} customers × ${TEAMS} teams × ${KEYS} keys), PostgreSQL, ${runs} runs after 2 warm-ups`);
    for (const r of results) console.log(`${r.label.padEnd(48)} median ${r.median.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  ${r.statements} SQL statement(s)  ${r.rows} keys`);
  } finally {
    await closeDatabase();
  }
});
