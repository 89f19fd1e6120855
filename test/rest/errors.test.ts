/** Bad input gets Bifrost's error envelope with a clear message and the right status, never a 500. */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";

const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });

describe.each([
  ["customers", "Customer name is required"],
  ["teams", "Team name is required"],
  ["virtual-keys", "Virtual key name is required"],
])("POST /api/governance/%s", (resource, nameRequired) => {
  const path = `/api/governance/${resource}`;
  it.each([
    ["invalid JSON", "not-json", "Invalid JSON"],
    ["truncated JSON", "{bad", "Invalid JSON"],
    ["a JSON array", "[]", "Invalid JSON"],
    ["missing name", {}, nameRequired],
    ["blank name", { name: "   " }, nameRequired],
    ["negative budget", { name: "x", budget: { max_limit: -5, reset_duration: "1d" } }, "Budget max_limit cannot be negative: -5.00"],
    ["zero budget", { name: "x", budget: { max_limit: 0, reset_duration: "1d" } }, "budget max limit cannot be negative or zero: 0.00"],
    ["bad duration", { name: "x", budget: { max_limit: 5, reset_duration: "banana" } }, "Invalid reset duration format: banana"],
    ["empty duration", { name: "x", budget: { max_limit: 1, reset_duration: "" } }, "Invalid reset duration format: "],
    ["zero duration", { name: "x", budget: { max_limit: 1, reset_duration: "0s" } }, "reset duration must be > 0: 0s"],
    ["wrong type", { name: 42 }, "Invalid value for name: expected a string"],
    ["unknown field", { name: "x", budgett: {} }, "Unknown field: budgett"],
    ["unknown nested field", { name: "x", budget: { max_limit: 1, reset_duration: "1d", maxlimit: 2 } }, "Unknown field: budget.maxlimit"],
    ["duplicate budget windows", { name: "x", budgets: [{ max_limit: 1, reset_duration: "1d" }, { max_limit: 2, reset_duration: "1d" }] }, "Duplicate reset_duration in budgets: 1d"],
  ])("%s → 400", async (_label, body, message) => {
    const res = await rest("POST", path, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
  });
});

describe("rate limit validation", () => {
  it.each([
    ["customers", { token_max_limit: 100 }, "Invalid rate limit: rate limit token reset duration is required"],
    ["teams", { request_max_limit: 0, request_reset_duration: "1m" }, "Invalid rate limit: rate limit request max limit cannot be negative or zero: 0"],
    ["virtual-keys", { token_max_limit: -5, token_reset_duration: "1m" }, "rate limit token max limit cannot be negative or zero: -5"],
    ["virtual-keys", { request_max_limit: 5, request_reset_duration: "5x" }, "invalid rate limit request reset duration format: 5x"],
    ["virtual-keys", { token_max_limit: 1.5, token_reset_duration: "1m" }, "Invalid value for rate_limit.token_max_limit: expected an integer"],
  ])("POST %s with %j → 400", async (resource, rate_limit, message) => {
    const name = unique("rl");
    const res = await rest("POST", `/api/governance/${resource}`, { name, rate_limit });
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.virtualKey.count({ where: { name } })).toBe(0);
  });
});

describe("virtual key references", () => {
  it("team and customer together → 400", async () => {
    const res = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), team_id: "a", customer_id: "" });
    expect(res.body).toEqual(envelope(400, "VirtualKey cannot be attached to both Team and Customer"));
  });

  it.each([
    ["team_id", "00000000-0000-4000-8000-000000000000", "Team not found: 00000000-0000-4000-8000-000000000000"],
    ["team_id", "not-a-uuid", "Team not found: not-a-uuid"],
    ["customer_id", "00000000-0000-4000-8000-000000000000", "Customer not found: 00000000-0000-4000-8000-000000000000"],
  ])("unknown %s %s → 400 naming it", async (field, id, message) => {
    const res = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), [field]: id });
    expect(res.body).toEqual(envelope(400, message));
  });

  it("unknown provider key ids → 400 with Bifrost's text", async () => {
    const res = await rest("POST", "/api/governance/virtual-keys", {
      name: unique("vk"),
      provider_configs: [{ provider: "openai", key_ids: ["00000000-0000-0000-0000-000000000000"] }],
    });
    expect(res.body).toEqual(envelope(400, "some keys not found for provider openai: expected 1, found 0"));
  });

  it("duplicate and unknown MCP clients → 400", async () => {
    const dup = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), mcp_configs: [{ mcp_client_name: "m1" }, { mcp_client_name: "m1" }] });
    expect(dup.body).toEqual(envelope(400, "duplicate mcp_client_name: m1"));
    const missing = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), mcp_configs: [{ mcp_client_name: "nope-nope" }] });
    expect(missing.body).toEqual(envelope(400, "MCP client not found: nope-nope"));
  });

  it("allow-list rules → 400", async () => {
    const wildcard = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), provider_configs: [{ provider: "openai", allowed_models: ["*", "gpt-4o"] }] });
    expect(wildcard.body).toEqual(envelope(400, "invalid allowed_models for provider openai: wildcard '*' cannot be used with other values in the whitelist"));
    const dup = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o", "GPT-4o"] }] });
    expect(dup.body).toEqual(envelope(400, "invalid allowed_models for provider openai: duplicate value 'GPT-4o' in whitelist"));
  });

  it("duplicate name → 400 already exists", async () => {
    const name = unique("vk");
    expect((await rest("POST", "/api/governance/virtual-keys", { name })).status).toBe(200);
    const res = await rest("POST", "/api/governance/virtual-keys", { name });
    expect(res.body).toEqual(envelope(400, "a record with this name already exists. Please use a different value"));
  });
});

describe("routing", () => {
  it("unknown route → 404 envelope", async () => {
    const res = await rest("GET", "/api/governance/nope");
    expect(res.body).toEqual(envelope(404, "Route not found: GET /api/governance/nope"));
  });

  it("wrong method → 405 envelope with Allow", async () => {
    const res = await rest("PATCH", "/api/governance/teams");
    expect(res.status).toBe(405);
    expect(res.body).toEqual(envelope(405, "Method PATCH not allowed for /api/governance/teams"));
    expect(res.headers.get("allow")).toBe("GET, POST");
  });

  it("a long unknown path or a wrong method on a long id is quoted to 100 characters, not echoed whole", async () => {
    const long = "x".repeat(5_000);
    const notFound = await rest("GET", `/api/governance/${long}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.message).toBe(`Route not found: GET ${`/api/governance/${long}`.slice(0, 100)}…`);
    const wrongMethod = await rest("PATCH", `/api/governance/teams/${long}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.message.length).toBeLessThan(160);
  });

  it.each(["customers", "teams", "virtual-keys"])("GET missing %s → 404", async (resource) => {
    const label = { customers: "Customer", teams: "Team", "virtual-keys": "Virtual key" }[resource];
    for (const id of ["does-not-exist", "00000000-0000-4000-8000-000000000000"]) {
      const res = await rest("GET", `/api/governance/${resource}/${id}`);
      expect(res.body).toEqual(envelope(404, `${label} not found`));
    }
  });

  it("GET /health", async () => {
    const res = await rest("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });

  it.each([
    ["virtual-keys", "limit=abc", "Invalid limit parameter: must be a number"],
    ["teams", "offset=-1", "Invalid offset parameter: must be non-negative"],
    ["customers", "limit=1.5", "Invalid limit parameter: must be a number"],
  ])("bad paging on %s (%s) → 400", async (resource, qs, message) => {
    const res = await rest("GET", `/api/governance/${resource}?${qs}`);
    expect(res.body).toEqual(envelope(400, message));
  });
});
