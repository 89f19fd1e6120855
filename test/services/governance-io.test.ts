/** Issue 11: config.json governance import/export on the shared test database: bad files, idempotence, live usage, dry run, REST and GraphQL. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const importFile = (file: unknown, dryRun = false) => rest("POST", `/api/governance/import${dryRun ? "?dry_run=true" : ""}`, file);

function smallFile() {
  const [b1, b2, b3, r1, c, t, k] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const value = `sk-bf-${randomUUID()}`;
  return {
    ids: { b1, b2, b3, r1, c, t, k },
    value,
    file: {
      governance: {
        budgets: [
          { id: b1, max_limit: 100, reset_duration: "1M" },
          { id: b2, max_limit: 10, reset_duration: "1d", current_usage: 0 },
          { id: b3, max_limit: 5, reset_duration: "1d" },
        ],
        rate_limits: [{ id: r1, request_max_limit: 1000, request_reset_duration: "1m" }],
        customers: [{ id: c, name: unique("cust"), budget_id: b1 }],
        teams: [{ id: t, name: unique("team"), customer_id: c }],
        virtual_keys: [
          {
            id: k,
            name: unique("vk"),
            value,
            team_id: t,
            budget_ids: [b2],
            rate_limit_id: r1,
            provider_configs: [{ provider: "openai", allowed_models: ["*"], blacklisted_models: ["regex:.*-preview"], budget_id: b3 }],
          },
        ],
      },
    },
  };
}

describe("governance import", () => {
  it("creates, is idempotent, never resets live usage, and dry-runs without writing", async () => {
    const { ids, value, file } = smallFile();
    const first = await importFile(file);
    expect(first.status).toBe(200);
    expect(first.body.changes.virtual_keys).toEqual({ created: [ids.k], updated: [], unchanged: 0 });
    expect(first.body.changes.budgets.created.sort()).toEqual([ids.b1, ids.b2, ids.b3].sort());

    // The imported key works; usage lands on its budgets (one check still in flight).
    const c1 = await rest("POST", "/api/governance/check", { model: "openai/gpt-4o", request_id: unique("r") }, { "x-bf-vk": value });
    expect(c1.status).toBe(200);
    await rest("POST", "/api/governance/usage", { model: "openai/gpt-4o", request_id: c1.body.request_id, cost: 1.5 }, { "x-bf-vk": value });
    await rest("POST", "/api/governance/check", { model: "openai/gpt-4o", estimated_cost: 0.25 }, { "x-bf-vk": value });
    const usage = async () => Object.fromEntries((await db.budget.findMany({ where: { id: { in: [ids.b1, ids.b2, ids.b3] } } })).map((b) => [b.id, Number(b.currentUsage)]));
    const live = await usage();
    expect(live[ids.b2]).toBeCloseTo(1.75, 10);
    const rl = await db.rateLimit.findUniqueOrThrow({ where: { id: ids.r1 } });

    // Same file again (its current_usage says 0): nothing changes, live usage is kept.
    const again = await importFile(file);
    expect(again.body.changes.virtual_keys).toEqual({ created: [], updated: [], unchanged: 1 });
    expect(again.body.changes.budgets).toEqual({ created: [], updated: [], unchanged: 3 });
    expect(await usage()).toEqual(live);
    expect((await db.rateLimit.findUniqueOrThrow({ where: { id: ids.r1 } })).requestCurrentUsage).toBe(rl.requestCurrentUsage);

    // A change: dry run reports it and writes nothing; the real run applies it, usage still kept.
    const changed = structuredClone(file);
    changed.governance.budgets[1]!.max_limit = 20;
    changed.governance.virtual_keys[0]!.provider_configs[0]!.blacklisted_models = [];
    const dry = await importFile(changed, true);
    expect(dry.body).toMatchObject({ dry_run: true, changes: { budgets: { updated: [ids.b2] }, virtual_keys: { updated: [ids.k] } } });
    expect(Number((await db.budget.findUniqueOrThrow({ where: { id: ids.b2 } })).maxLimit)).toBe(10);
    const real = await importFile(changed);
    expect(real.body.dry_run).toBe(false);
    const b2 = await db.budget.findUniqueOrThrow({ where: { id: ids.b2 } });
    expect([Number(b2.maxLimit), Number(b2.currentUsage)]).toEqual([20, live[ids.b2]]);
    expect((await db.providerConfig.findFirstOrThrow({ where: { virtualKeyId: ids.k } })).blacklistedModels).toEqual([]);

    // Export shows them, with the key as its hash only.
    const exported = await rest("GET", "/api/governance/export");
    const vk = exported.body.governance.virtual_keys.find((x: { id: string }) => x.id === ids.k);
    expect(vk).toMatchObject({ team_id: ids.t, budget_ids: [ids.b2], rate_limit_id: ids.r1, provider_configs: [{ provider: "openai", budget_ids: [ids.b3], key_ids: ["*"] }] });
    expect(JSON.stringify(exported.body)).not.toContain(value);
  });

  it.each([
    ["a dangling customer_id", (f: any) => (f.governance.teams[0].customer_id = randomUUID()), /team .* references unknown customer_id/],
    ["a dangling budget_id", (f: any) => (f.governance.virtual_keys[0].budget_ids = [randomUUID()]), /references unknown budget_id/],
    ["a dangling rate_limit_id", (f: any) => (f.governance.customers[0].rate_limit_id = randomUUID()), /references unknown rate_limit_id/],
    ["an unreferenced budget", (f: any) => f.governance.budgets.push({ id: randomUUID(), max_limit: 1, reset_duration: "1d" }), /is not referenced by any/],
    ["a budget with two owners", (f: any) => (f.governance.teams[0].budget_id = f.governance.budgets[0].id), /referenced by more than one owner/],
    ["a duplicate id", (f: any) => f.governance.customers.push({ ...f.governance.customers[0], name: "x" }), /duplicate customer id/],
    ["a non-uuid id", (f: any) => (f.governance.customers[0].id = "acme"), /must be a UUID/],
    ["a negative limit", (f: any) => (f.governance.budgets[0].max_limit = -1), /max_limit/],
    ["an unknown field", (f: any) => (f.governance.teams[0].colour = "red"), /Unknown field: governance.teams\[0\].colour/],
    ["a hostile regex", (f: any) => (f.governance.virtual_keys[0].provider_configs[0].allowed_models = ["regex:(a+)+"]), /regex entry 'regex:\(a\+\)\+'/],
    ["an unknown MCP client (found mid-transaction)", (f: any) => (f.governance.virtual_keys[0].mcp_configs = [{ mcp_client_name: unique("nope") }]), /unknown mcp_client_name/],
  ])("%s → 400, nothing written", async (_label, mutate, message) => {
    const { ids, file } = smallFile();
    mutate(file);
    const r = await importFile(file);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
    expect(await db.customer.count({ where: { id: ids.c } })).toBe(0);
    expect(await db.virtualKey.count({ where: { id: ids.k } })).toBe(0);
  });

  it("GraphQL importGovernance (dry run) and governanceExport", async () => {
    const { ids, file } = smallFile();
    const dry = await executeRaw(`mutation($f: String!) { importGovernance(file: $f, dryRun: true) { __typename ... on ImportGovernancePayload { dryRun changes } ... on Error { message } } }`, { f: JSON.stringify(file) });
    expect(dry.data.importGovernance.dryRun).toBe(true);
    expect(JSON.parse(dry.data.importGovernance.changes).customers.created).toEqual([ids.c]);
    expect(await db.customer.count({ where: { id: ids.c } })).toBe(0);
    const bad = await executeRaw(`mutation { importGovernance(file: "{nope") { __typename ... on Error { message } } }`);
    expect(bad.data.importGovernance).toEqual({ __typename: "ValidationError", message: "Invalid JSON: expected an object" });
    const exp = await executeRaw(`{ governanceExport { __typename ... on GovernanceExport { json } } }`);
    expect(JSON.parse(exp.data.governanceExport.json).governance).toHaveProperty("virtual_keys");
  });
});
