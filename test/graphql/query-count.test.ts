/**
 * N+1 guard: the nested customers → teams → keys → limits/configs read is a fixed number of SQL
 * statements, whatever the number of rows. Measured: 2 statements (the relation-join SELECT and the
 * top-level COUNT) for 10 and for 20 customers (× 5 teams × 5 keys), on PGlite and PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db, onQuery } from "../../src/db/client.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute } from "../helpers/graphql.js";

const Fleet = graphql(/* GraphQL */ `
  query Fleet($search: String!) {
    customers(first: 100, search: $search) {
      totalCount
      edges {
        node {
          name
          budget { maxLimit }
          teams {
            name
            virtualKeys(first: 50) {
              totalCount
              edges {
                node {
                  name
                  value
                  budget { maxLimit }
                  budgets { resetDuration }
                  rateLimit { requestMaxLimit }
                  providerConfigs { provider budget { maxLimit } rateLimit { tokenMaxLimit } }
                  team { name }
                }
              }
            }
          }
        }
      }
    }
  }
`);

const TEAMS = 5;
const KEYS = 5;
const prefix = unique("Fleet");

/** Bulk rows straight through Prisma nested creates (the services are not under test here). */
async function createCustomers(from: number, count: number): Promise<void> {
  for (let c = from; c < from + count; c++) {
    const name = `${prefix}-c${String(c).padStart(2, "0")}`;
    await db.customer.create({
      data: {
        name,
        budgets: { create: { maxLimit: 100 + c, resetDuration: "1M" } },
        teams: {
          create: Array.from({ length: TEAMS }, (_, t) => ({
            name: `${name}-t${t}`,
            virtualKeys: {
              create: Array.from({ length: KEYS }, (_, k) => {
                const value = `sk-bf-${randomBytes(16).toString("hex")}`;
                return {
                  name: `${name}-t${t}-k${k}`,
                  valueHash: randomBytes(32).toString("hex"),
                  valuePrefix: value.slice(0, 10),
                  valueSuffix: value.slice(-4),
                  budgets: { create: { maxLimit: k + 1, resetDuration: "1d" } },
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

/** Runs the Fleet query and returns the SQL statements it executed (transaction control excluded). */
async function statementsOfFleet() {
  const statements: string[] = [];
  const stop = onQuery((sql) => {
    if (!CONTROL.test(sql)) statements.push(sql);
  });
  try {
    const result = await execute(Fleet, { search: prefix.toLowerCase() });
    return { result, statements };
  } finally {
    stop();
  }
}

describe("nested read statement count", () => {
  beforeAll(async () => {
    await createCustomers(0, 10);
  });

  it("stays constant when the data doubles", async () => {
    const small = await statementsOfFleet();
    expect(small.result.errors).toBeUndefined();
    const customers = small.result.data!.customers;
    expect(customers.totalCount).toBe(10);
    expect(customers.edges).toHaveLength(10);
    const first = customers.edges.find((e) => e.node.name === `${prefix}-c00`)!.node;
    expect(first.budget).toEqual({ maxLimit: 100 });
    expect(first.teams).toHaveLength(TEAMS);
    const keys = first.teams.find((t) => t.name === `${prefix}-c00-t0`)!.virtualKeys;
    expect(keys.totalCount).toBe(KEYS);
    expect(keys.edges.map((e) => e.node.budget!.maxLimit).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(keys.edges.find((e) => e.node.name.endsWith("-c00-t0-k2"))!.node).toMatchObject({
      name: `${prefix}-c00-t0-k2`,
      rateLimit: { requestMaxLimit: 30 },
      providerConfigs: [{ provider: "openai", budget: { maxLimit: 2 }, rateLimit: null }],
      team: { name: `${prefix}-c00-t0` },
    });

    await createCustomers(10, 10);
    const large = await statementsOfFleet();
    expect(large.result.errors).toBeUndefined();
    expect(large.result.data!.customers.totalCount).toBe(20);
    const keyCount = large.result.data!.customers.edges.flatMap((e) => e.node.teams.flatMap((t) => t.virtualKeys.edges)).length;
    expect(keyCount).toBe(20 * TEAMS * KEYS);

    const shape = (statements: string[]) => statements.map((sql) => (/^SELECT COUNT\(\*\)/.test(sql) ? "count" : sql.startsWith("SELECT") ? "select" : sql));
    expect(shape(small.statements)).toEqual(["select", "count"]);
    expect(shape(large.statements)).toEqual(shape(small.statements));
  });
});
