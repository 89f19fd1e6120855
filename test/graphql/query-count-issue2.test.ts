/**
 * Issue #2's N+1 guard, exactly as asked: `customers { teams { virtualKeys { budget rateLimit providerConfigs } } }`
 * over 10 customers × 5 teams × 5 keys, then with the data doubled: the SQL statement count stays the same.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db, onQuery } from "../../src/db/client.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute } from "../helpers/graphql.js";

const Nested = graphql(/* GraphQL */ `
  query Issue2Nested($search: String!) {
    customers(first: 50, filter: { search: $search }) {
      edges {
        node {
          name
          teams {
            name
            virtualKeys(first: 10) {
              edges { node { name budget { maxLimit } rateLimit { requestMaxLimit } providerConfigs { provider budget { maxLimit } } } }
            }
          }
        }
      }
    }
  }
`);

const prefix = unique("Issue2");
/** This file measures SQL, not the cost limits (a 500-key page is far above the default complexity). */
const counting = createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: "", GRAPHQL_MAX_COMPLEXITY: "100000000" }), createLogger("silent"));
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|DEALLOCATE|SET|SHOW)\b/i;

async function createCustomers(from: number, count: number): Promise<void> {
  for (let c = from; c < from + count; c++) {
    const name = `${prefix}-c${String(c).padStart(2, "0")}`;
    await db.customer.create({
      data: {
        name,
        teams: {
          create: Array.from({ length: 5 }, (_, t) => ({
            name: `${name}-t${t}`,
            virtualKeys: {
              create: Array.from({ length: 5 }, (_, k) => ({
                name: `${name}-t${t}-k${k}`,
                valueHash: randomBytes(32).toString("hex"),
                valuePrefix: "sk-bf-0000",
                valueSuffix: "0000",
                budgets: { create: { maxLimit: k + 1, resetDuration: "1d" } },
                rateLimit: { create: { requestMaxLimit: 10n, requestResetDuration: "1m" } },
                providerConfigs: { create: [{ provider: "openai", allowedModels: ["*"], budgets: { create: { maxLimit: 2, resetDuration: "1h" } } }] },
              })),
            },
          })),
        },
      },
    });
  }
}

async function statementsFor(): Promise<{ count: number; keys: number }> {
  const seen: string[] = [];
  const stop = onQuery((sql) => {
    if (!CONTROL.test(sql)) seen.push(sql);
  });
  try {
    const res = await execute(Nested, { search: prefix }, { fetch: (r) => counting.fetch(r) });
    expect(res.errors).toBeUndefined();
    const keys = res.data!.customers.edges.flatMap((c) => c.node.teams.flatMap((t) => t.virtualKeys.edges));
    expect(keys.every((k) => k.node.budget !== null && k.node.rateLimit?.requestMaxLimit === 10 && k.node.providerConfigs[0]?.budget?.maxLimit === 2)).toBe(true);
    return { count: seen.length, keys: keys.length };
  } finally {
    stop();
  }
}

describe("issue #2 nested read", () => {
  let small: { count: number; keys: number };
  beforeAll(async () => {
    await createCustomers(0, 10);
    small = await statementsFor();
    await createCustomers(10, 10);
  });

  it("runs the same number of SQL statements for 250 and 500 keys", async () => {
    expect(small.keys).toBe(250);
    const large = await statementsFor();
    expect(large.keys).toBe(500);
    expect(large.count).toBe(small.count);
    expect(small.count).toBe(STATEMENTS);
  });
});

/**
 * Measured on both engines: the keyset page with its nodes, every nested level as JSON, in one statement
 * (src/graphql/keyset.ts with src/db/json-select.ts). Was 8: one statement per relation level, then 2: the page,
 * then its nodes by id (issue #13).
 */
const STATEMENTS = 1;
