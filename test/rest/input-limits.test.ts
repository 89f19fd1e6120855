/**
 * Input limits (issue #9, src/services/text.ts): each input that was a 500 is now a 400 with a clear message that
 * quotes at most ~100 characters of what was sent, and nothing is written. NUL bytes and lone surrogates in any
 * text (body, path id, search), names over 255 characters, money past numeric(20,10), offsets past 2^31 - 1; and
 * `search` matches literally.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";

const bad = (status: number, message: string | RegExp) => ({ status, body: { is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} } });
const expectBad = (res: { status: number; body: any }, message: string | RegExp) => {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ is_bifrost_error: false, status_code: 400, extra_fields: {} });
  expect(res.body.error.message).toMatch(message);
  expect(res.body.error.message.length).toBeLessThanOrEqual(250);
};

describe("text fields", () => {
  it.each([
    ["NUL", "a\u0000b", "Invalid value for name: must not contain NUL characters"],
    ["a lone high surrogate", "a\ud800b", "Invalid value for name: must not contain unpaired UTF-16 surrogates"],
    ["a lone low surrogate", "\udfffa", "Invalid value for name: must not contain unpaired UTF-16 surrogates"],
    ["256 characters", "n".repeat(256), "Invalid value for name: must be at most 255 characters"],
  ])("a name with %s is 400 on every entity, nothing created", async (_label, suffix, message) => {
    const prefix = unique("lim");
    const name = `${prefix}${suffix}`;
    for (const [path, body] of [
      ["/api/governance/customers", { name }],
      ["/api/governance/teams", { name }],
      ["/api/governance/virtual-keys", { name }],
      ["/api/governance/model-configs", { model_name: name }],
    ] as const) {
      expectBad(await rest("POST", path, body), message.replace("name", path.endsWith("model-configs") ? "model_name" : "name"));
    }
    expect(await db.customer.count({ where: { name: { startsWith: prefix } } })).toBe(0);
    expect(await db.team.count({ where: { name: { startsWith: prefix } } })).toBe(0);
  });

  it("255 characters (the column) are accepted, emoji pairs too", async () => {
    const name = `${unique("ok")}💥`.padEnd(255, "n");
    expect((await rest("POST", "/api/governance/customers", { name })).status).toBe(200);
  });

  it("NUL anywhere in a body (nested, list entries, map keys) is 400, never reaching SQL", async () => {
    expectBad(await rest("POST", "/api/governance/virtual-keys", { name: unique("k"), provider_configs: [{ provider: "openai", allowed_models: ["gpt\u0000"] }] }), "Invalid value for provider_configs[0].allowed_models[0]: must not contain NUL characters");
    expectBad(await rest("POST", "/api/governance/check", { model: "gpt\u0000" }), "Invalid value for model: must not contain NUL characters");
    expectBad(await rest("POST", "/api/governance/usage", { request_id: "r", model: "m\u0000", provider: "openai" }), "Invalid value for model: must not contain NUL characters");
    expectBad(await rest("POST", "/api/mcp/client", { name: "x", connection_type: "http", connection_string: "https://a.b", headers: { "a\u0000": "v" } }), /must not contain NUL characters/);
  });

  it("NUL in path ids and in search is 400 (or 404 for a UUID path), never 500", async () => {
    for (const p of ["/api/providers/a%00b", "/api/providers/a%00b/keys", "/api/governance/providers/a%00b", "/api/mcp/client/a%00b"]) {
      const res = await rest(p.includes("governance/providers") || p.includes("mcp") ? "DELETE" : "GET", p);
      expectBad(res, /must not contain NUL characters/);
    }
    expect((await rest("GET", "/api/governance/customers/a%00b")).status).toBe(404);
    for (const p of ["/api/governance/customers", "/api/governance/teams", "/api/governance/virtual-keys", "/api/governance/model-configs", "/api/mcp/clients"]) {
      expectBad(await rest("GET", `${p}?search=a%00`), "Invalid search parameter: must not contain NUL characters");
    }
  });

  it("error messages quote at most ~100 characters of the input", async () => {
    const res = await rest("PUT", `/api/governance/customers/${(await rest("POST", "/api/governance/customers", { name: unique("q") })).body.customer.id}`, { budget: { max_limit: 1, reset_duration: "9".repeat(30) } });
    expect(res.status).toBe(400);
    const huge = await rest("POST", "/api/providers", { provider: "x".repeat(5_000) });
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.body).length).toBeLessThan(400);
  });
});

describe("money (numeric(20,10))", () => {
  it.each([
    [1e10, "Invalid value for budget.max_limit: must be less than 10000000000"],
    [1e300, "Invalid value for budget.max_limit: must be less than 10000000000"],
    [1.12345678901, "Invalid value for budget.max_limit: must have at most 10 decimal places"],
    [5e-11, "Invalid value for budget.max_limit: must have at most 10 decimal places"],
  ])("max_limit %s is 400 on create and update", async (max, message) => {
    const name = unique("money");
    expect(await rest("POST", "/api/governance/customers", { name, budget: { max_limit: max, reset_duration: "1h" } })).toMatchObject(bad(400, message));
    expect(await db.customer.count({ where: { name } })).toBe(0);
    const id = (await rest("POST", "/api/governance/teams", { name })).body.team.id;
    expect(await rest("PUT", `/api/governance/teams/${id}`, { budget: { max_limit: max, reset_duration: "1h" } })).toMatchObject(bad(400, message));
  });

  it("9,999,999,999.9999999999 (the column's largest) is accepted", async () => {
    const res = await rest("POST", "/api/governance/customers", { name: unique("max"), budget: { max_limit: 9_999_999_999.9999, reset_duration: "1h" } });
    expect(res.status).toBe(200);
  });

  it("usage cost and override amounts too", async () => {
    expectBad(await rest("POST", "/api/governance/usage", { request_id: unique("r"), model: "openai/gpt-4o", cost: 0.12345678901 }), "Invalid value for cost: must have at most 10 decimal places");
  });
});

describe("paging and search", () => {
  it.each(["9223372036854775808", "18446744073709551616", "2147483648"])("offset=%s is 400", async (offset) => {
    expect(await rest("GET", `/api/governance/customers?offset=${offset}`)).toMatchObject(bad(400, "Invalid offset parameter: must be at most 2147483647"));
    expect(await rest("GET", `/api/governance/virtual-keys?limit=${offset}`)).toMatchObject(bad(400, "Invalid limit parameter: must be at most 2147483647"));
  });

  it("search matches % _ and \\ literally", async () => {
    const tag = unique("lit");
    for (const name of [`${tag}-100%`, `${tag}-a_b`, `${tag}-axb`, `${tag}-c\\d`]) await rest("POST", "/api/governance/customers", { name });
    const names = async (search: string) => (await rest("GET", `/api/governance/customers?search=${encodeURIComponent(search)}`)).body.customers.map((c: { name: string }) => c.name);
    expect(await names(`${tag}-100%`)).toEqual([`${tag}-100%`]);
    expect(await names(`${tag}-a_b`)).toEqual([`${tag}-a_b`]);
    expect(await names(`${tag}-c\\d`)).toEqual([`${tag}-c\\d`]);
    expect(await names("%%%%")).toEqual([]);
  });
});
