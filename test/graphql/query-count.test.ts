/**
 * N+1 guard: deep reads, computed fields included, run a fixed number of SQL statements whatever the
 * number of rows. Data grows 10× (3 → 30 customers × 3 teams × 4 keys) between the two runs. The
 * counting handler has the cost limits lifted: this file measures SQL, not the limits.
 */
import { randomBytes } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db, onQuery } from "../../src/db/client.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute, type GraphqlResult } from "../helpers/graphql.js";

const Fleet = graphql(/* GraphQL */ `
  query Fleet($search: String!) {
    customers(first: 100, filter: { search: $search }) {
      totalCount
      edges {
        node {
          name
          spend
          overBudget
          budget { maxLimit usage remaining percentUsed nextResetAt }
          teams {
            name
            virtualKeys(first: 50) {
              totalCount
              edges {
                node {
                  name
                  value
                  budget { maxLimit remaining }
                  budgets { resetDuration }
                  rateLimit { requestMaxLimit requests { remaining nextResetAt } }
                  providerConfigs { provider budget { maxLimit } rateLimit { tokenMaxLimit } }
                  team { name }
                  effectiveLimits { blocked tightestBudget { level remaining } budgets { level remaining } }
                }
              }
            }
          }
        }
      }
    }
  }
`);

const KeysBySpend = graphql(/* GraphQL */ `
  query KeysBySpend($search: String!) {
    virtualKeys(first: 100, filter: { search: $search, overBudget: false }, orderBy: { field: SPEND, direction: DESC }) {
      totalCount
      edges { node { name spend team { name customer { name } } effectiveLimits(provider: "openai") { tightestBudget { ownerName remaining } } } }
    }
  }
`);

/** The Fleet read without computed fields: compiled (src/graphql/compiled), one statement. */
const Nested = graphql(/* GraphQL */ `
  query Nested($search: String!) {
    customers(first: 100, filter: { search: $search }) {
      totalCount
      edges {
        node {
          name
          calendarAligned
          budget { maxLimit currentUsage resetDuration lastReset }
          rateLimit { requestMaxLimit tokenMaxLimit }
          teams {
            name
            budget { maxLimit }
            virtualKeys(first: 50) {
              totalCount
              edges {
                node {
                  name
                  description
                  isActive
                  createdAt
                  budget { maxLimit currentUsage }
                  rateLimit { requestMaxLimit }
                  providerConfigs { provider weight allowedModels budget { maxLimit } }
                }
              }
            }
          }
        }
      }
    }
  }
`);

const TEAMS = 3;
const KEYS = 4;
const prefix = unique("Fleet");
const counting = createGraphqlHandler(
  loadConfig({ ...process.env, DATABASE_URL: "", GRAPHQL_MAX_COMPLEXITY: "100000000", GRAPHQL_MAX_DEPTH: "30" }),
  createLogger("silent"),
);

/** Bulk rows straight through Prisma nested creates (the services are not under test here). */
async function createCustomers(from: number, count: number): Promise<void> {
  for (let c = from; c < from + count; c++) {
    const name = `${prefix}-c${String(c).padStart(2, "0")}`;
    await db.customer.create({
      data: {
        name,
        budgets: { create: { maxLimit: 100 + c, resetDuration: "1M", currentUsage: c } },
        teams: {
          create: Array.from({ length: TEAMS }, (_, t) => ({
            name: `${name}-t${t}`,
            budgets: { create: { maxLimit: 50, resetDuration: "1w" } },
            virtualKeys: {
              create: Array.from({ length: KEYS }, (_, k) => {
                const value = `sk-bf-${randomBytes(16).toString("hex")}`;
                return {
                  name: `${name}-t${t}-k${k}`,
                  valueHash: randomBytes(32).toString("hex"),
                  valuePrefix: value.slice(0, 10),
                  valueSuffix: value.slice(-4),
                  budgets: { create: { maxLimit: k + 1, resetDuration: "1d", currentUsage: k / 2 } },
                  rateLimit: { create: { requestMaxLimit: 10n * BigInt(k + 1), requestResetDuration: "1m" } },
                  providerConfigs: {
                    create: [{ provider: "openai", allowedModels: ["*"], allowAllKeys: true, budgets: { create: { maxLimit: 2, resetDuration: "1h" } } }],
                  },
                };
              }),
            },
          })),
        },
      },
    });
  }
}

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|DEALLOCATE|SET|SHOW)\b/i;

/** Runs a query and returns the SQL statements it executed (transaction control excluded), by kind. */
async function measure<T>(document: TypedDocumentNode<T, { search: string }>): Promise<{ result: GraphqlResult<T>; statements: string[] }> {
  const statements: string[] = [];
  const stop = onQuery((sql) => {
    if (!CONTROL.test(sql)) statements.push(sql);
  });
  try {
    const result = await execute(document, { search: prefix.toLowerCase() }, { fetch: (r) => counting.fetch(r) });
    expect(result.errors).toBeUndefined();
    return { result, statements };
  } finally {
    stop();
  }
}

/** A statement by what it reads: the keyset page (with its nodes), the window thresholds, or the first table it selects from. */
const kind = (sql: string) =>
  /^\s*SELECT DISTINCT "resetDuration"/.test(sql) ? "windows" : /^\s*WITH\b/.test(sql) ? "keyset page" : (/FROM "public"\."(\w+)"/.exec(sql)?.[1] ?? sql);

const shape = (statements: string[]) => statements.map(kind).sort();
/** The effectiveLimits batch: keys; their budgets and rate limit; provider configs with theirs; team and customer with theirs. */
const chain = ["VirtualKey", "Budget", "RateLimit", "ProviderConfig", "Budget", "RateLimit", "Team", "Budget", "RateLimit", "Customer", "Budget", "RateLimit", "Customer", "Budget", "RateLimit"];

describe("statement count of deep reads", () => {
  let small: { fleet: Awaited<ReturnType<typeof measure<unknown>>>; bySpend: Awaited<ReturnType<typeof measure<unknown>>>; nested: Awaited<ReturnType<typeof measure<unknown>>> };

  beforeAll(async () => {
    await createCustomers(0, 3);
    small = { fleet: await measure(Fleet), bySpend: await measure(KeysBySpend), nested: await measure(Nested) };
    await createCustomers(3, 27);
  });

  it("customers → teams → keys with computed fields and effectiveLimits: 16 statements at 1× and at 10×", async () => {
    const large = await measure(Fleet);
    const customers = large.result.data!.customers;
    expect(customers.totalCount).toBe(30);
    expect(customers.edges.flatMap((e) => e.node.teams.flatMap((t) => t.virtualKeys.edges))).toHaveLength(30 * TEAMS * KEYS);
    const c02 = customers.edges.find((e) => e.node.name === `${prefix}-c02`)!.node;
    expect(c02).toMatchObject({ spend: 2, overBudget: false, budget: { maxLimit: 102, usage: 2, remaining: 100, percentUsed: 1.9608 } });
    const key = c02.teams.find((t) => t.name === `${prefix}-c02-t0`)!.virtualKeys.edges.find((e) => e.node.name.endsWith("-k1"))!.node;
    expect(key.effectiveLimits).toEqual({
      blocked: false,
      tightestBudget: { level: "VIRTUAL_KEY", remaining: 1.5 },
      budgets: [
        { level: "PROVIDER_CONFIG", remaining: 2 },
        { level: "VIRTUAL_KEY", remaining: 1.5 },
        { level: "TEAM", remaining: 50 },
        { level: "CUSTOMER", remaining: 100 },
      ],
    });
    expect(key.rateLimit).toMatchObject({ requestMaxLimit: 20, requests: { remaining: 20 } });
    // The keyset page with its nodes, every nested level included, in one statement (src/graphql/keyset.ts with
    // src/db/json-select.ts; was one statement per relation level, 10, then page + nodes, 2); effectiveLimits for
    // every key, one statement per level.
    expect(shape(small.fleet.statements)).toEqual(["keyset page", ...chain].sort());
    expect(shape(large.statements)).toEqual(shape(small.fleet.statements));
  });

  it("keys sorted by spend with a reset-aware filter: 17 statements at 1× and at 10×", async () => {
    const large = await measure(KeysBySpend);
    const edges = large.result.data!.virtualKeys.edges;
    expect(large.result.data!.virtualKeys.totalCount).toBe(30 * TEAMS * KEYS);
    expect(edges).toHaveLength(100);
    const spends = edges.map((e) => e.node.spend);
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
    expect(spends[0]).toBe(1.5);
    expect(edges[0]!.node.effectiveLimits.tightestBudget).toEqual({ ownerName: "openai", remaining: 2 });
    expect(shape(small.bySpend.statements)).toEqual(["windows", "keyset page", ...chain].sort());
    expect(shape(large.statements)).toEqual(shape(small.bySpend.statements));
  });

  it("the same read without computed fields is compiled: 1 statement at 1× and at 10×", async () => {
    const large = await measure(Nested);
    const customers = large.result.data!.customers;
    expect(customers.totalCount).toBe(30);
    expect(customers.edges.flatMap((e) => e.node.teams.flatMap((t) => t.virtualKeys.edges))).toHaveLength(30 * TEAMS * KEYS);
    const c02 = customers.edges.find((e) => e.node.name === `${prefix}-c02`)!.node;
    expect(c02.budget).toMatchObject({ maxLimit: 102, currentUsage: 2, resetDuration: "1M" });
    expect(shape(small.nested.statements)).toEqual(["keyset page"]);
    expect(shape(large.statements)).toEqual(["keyset page"]);
  });
});
