/**
 * Issue 11, fields: `blacklisted_models` and `regex:` entries on provider configs (validation, echo, enforcement),
 * `disable_content_logging` on keys (tri-state, effective value in the check), customer `email` — REST and GraphQL.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { patternProblem } from "../../src/lib/model-patterns.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";
import { quote } from "../../src/services/text.js";

const VKS = "/api/governance/virtual-keys";
const check = (key: string, body: Record<string, unknown>) => rest("POST", "/api/governance/check", body, { "x-bf-vk": key });
const createKey = (body: Record<string, unknown>) => rest("POST", VKS, { name: unique("vk"), ...body });

describe("blacklisted_models and regex entries", () => {
  it("stores and echoes both lists verbatim and in order (REST and GraphQL)", async () => {
    const allowed = ["regex:^gpt-4o.*$", "gpt-3.5-turbo", "openai/o1"];
    const denied = ["regex:.*-preview", "gpt-4o-audio", "regex:^gpt-4o-2024-05-13$"];
    const res = await createKey({ provider_configs: [{ provider: "openai", allowed_models: allowed, blacklisted_models: denied }] });
    expect(res.status).toBe(200);
    const pc = res.body.virtual_key.provider_configs[0];
    expect(pc.allowed_models).toEqual(allowed);
    expect(pc.blacklisted_models).toEqual(denied);
    const got = await rest("GET", `${VKS}/${res.body.virtual_key.id}`);
    expect(got.body.virtual_key.provider_configs[0].blacklisted_models).toEqual(denied);
    const gql = await executeRaw(`query($id: String!) { virtualKey(id: $id) { providerConfigs { allowedModels blacklistedModels } } }`, { id: res.body.virtual_key.id });
    expect(gql.data.virtualKey.providerConfigs[0]).toEqual({ allowedModels: allowed, blacklistedModels: denied });
    // Omitted on create: an empty deny-list; omitted on update: kept.
    const plain = await createKey({ provider_configs: [{ provider: "openai" }] });
    expect(plain.body.virtual_key.provider_configs[0].blacklisted_models).toEqual([]);
    const kept = await rest("PUT", `${VKS}/${res.body.virtual_key.id}`, { provider_configs: [{ id: pc.id, provider: "openai" }] });
    expect(kept.body.virtual_key.provider_configs[0].blacklisted_models).toEqual(denied);
  });

  it("a model on the deny-list is model_blocked even when allowed; regex entries match the whole name", async () => {
    const res = await createKey({
      provider_configs: [{ provider: "openai", allowed_models: ["*"], blacklisted_models: ["gpt-4o", "regex:o1-.*"] }],
    });
    const key = res.body.virtual_key.value;
    const blocked = (m: string) => ({
      is_bifrost_error: false,
      status_code: 403,
      error: { message: `Model '${m}' is not allowed for this virtual key` },
      extra_fields: {},
      type: "model_blocked",
    });
    expect((await check(key, { model: "openai/gpt-4o" })).body).toEqual(blocked("gpt-4o"));
    expect((await check(key, { model: "openai/o1-mini" })).body).toEqual(blocked("o1-mini"));
    expect((await check(key, { model: "openai/gpt-4o-mini" })).status).toBe(200);
    expect((await check(key, { model: "openai/xo1-mini" })).status).toBe(200); // anchored: not a substring match

    const allowRegex = await createKey({ provider_configs: [{ provider: "openai", allowed_models: ["regex:gpt-4o(-mini)?"] }] });
    const k2 = allowRegex.body.virtual_key.value;
    expect((await check(k2, { model: "openai/gpt-4o-mini" })).status).toBe(200);
    expect((await check(k2, { model: "openai/gpt-4" })).body.type).toBe("model_blocked");
  });

  it("provider selection skips a provider whose deny-list matches", async () => {
    const res = await createKey({
      provider_configs: [
        { provider: "openai", weight: 100, blacklisted_models: ["regex:shared-.*"] },
        { provider: "azure", weight: 0 },
      ],
    });
    const r = await check(res.body.virtual_key.value, { model: "shared-model" });
    expect(r.status).toBe(200);
    expect(r.body.provider).toBe("azure");
    expect(r.body.provider_config.blacklisted_models).toEqual([]);
  });

  it.each([
    ["regex:(", "missing closing )"],
    ["regex:*", "'*' is not a pattern"],
    ["regex:", "empty pattern"],
    ["regex:(a+)+$", "nested repetition"],
    ["regex:(x*y*)*z", "nested repetition"],
    ["regex:((ab)+c){2,}", "nested repetition"],
    ["regex:(?<=a)b", "invalid"],
    [`regex:${"a".repeat(300)}`, "longer than 256"],
  ])("%s is 400 naming the entry, in both lists, on create and update", async (entry, reason) => {
    for (const field of ["allowed_models", "blacklisted_models"]) {
      const res = await createKey({ provider_configs: [{ provider: "openai", [field]: [entry] }] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`'${quote(entry)}'`); // at most 100 characters of the entry (issue #9)
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.message).toContain(reason);
    }
    const ok = await createKey({ provider_configs: [{ provider: "openai" }] });
    const id = ok.body.virtual_key.id;
    const put = await rest("PUT", `${VKS}/${id}`, { provider_configs: [{ provider: "openai", blacklisted_models: ["fine", entry] }] });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toContain(`'${quote(entry)}'`);
    expect((await db.providerConfig.findMany({ where: { virtualKeyId: id } })).map((p) => p.blacklistedModels)).toEqual([[]]);
  });

  it("GraphQL create and update refuse a hostile pattern with a typed ValidationError", async () => {
    const create = await executeRaw(
      `mutation($input: CreateVirtualKeyInput!) { createVirtualKey(input: $input) { __typename ... on ValidationError { message fieldErrors { path } } } }`,
      { input: { name: unique("vk"), providerConfigs: [{ provider: "openai", blacklistedModels: ["regex:(a*)*b"] }] } },
    );
    expect(create.data.createVirtualKey.__typename).toBe("ValidationError");
    expect(create.data.createVirtualKey.message).toContain("'regex:(a*)*b'");
  });

  it("accepts ordinary patterns; the checker sees through escapes and classes", () => {
    for (const ok of ["regex:^gpt-4o-\\d{4}-\\d{2}-\\d{2}$", "regex:[(+]+x", "regex:(ab|cd)+", "regex:\\(a+\\)+", "regex:(a{2,3})+", "plain-(a+)+"]) {
      expect(patternProblem(ok)).toBeNull();
    }
  });
});

describe("disable_content_logging (tri-state)", () => {
  it("true/false are echoed, omitted keeps, null clears to inherit; the check carries the effective value", async () => {
    const created = await createKey({ disable_content_logging: true, provider_configs: [{ provider: "openai" }] });
    expect(created.status).toBe(200);
    const { id, value: key } = created.body.virtual_key;
    expect(created.body.virtual_key.disable_content_logging).toBe(true);
    expect((await check(key, { model: "openai/gpt-4o" })).body.disable_content_logging).toBe(true);

    const off = await rest("PUT", `${VKS}/${id}`, { disable_content_logging: false });
    expect(off.body.virtual_key.disable_content_logging).toBe(false);
    const kept = await rest("PUT", `${VKS}/${id}`, { description: "x" });
    expect(kept.body.virtual_key.disable_content_logging).toBe(false);
    expect((await check(key, { model: "openai/gpt-4o" })).body.disable_content_logging).toBe(false);

    const inherit = await rest("PUT", `${VKS}/${id}`, { disable_content_logging: null });
    expect(inherit.body.virtual_key).not.toHaveProperty("disable_content_logging");
    expect((await db.virtualKey.findUniqueOrThrow({ where: { id } })).disableContentLogging).toBeNull();
    expect((await check(key, { model: "openai/gpt-4o" })).body.disable_content_logging).toBe(false);

    expect((await rest("PUT", `${VKS}/${id}`, { disable_content_logging: "yes" })).status).toBe(400);
  });

  it("GraphQL: set false, read false, null clears", async () => {
    const create = await executeRaw(
      `mutation($input: CreateVirtualKeyInput!) { createVirtualKey(input: $input) { ... on CreateVirtualKeyPayload { virtualKey { uuid disableContentLogging } } } }`,
      { input: { name: unique("vk"), disableContentLogging: false } },
    );
    const vk = create.data.createVirtualKey.virtualKey;
    expect(vk.disableContentLogging).toBe(false);
    const update = await executeRaw(
      `mutation($id: String!) { updateVirtualKey(id: $id, input: { disableContentLogging: null }) { ... on VirtualKeyPayload { virtualKey { disableContentLogging } } } }`,
      { id: vk.uuid },
    );
    expect(update.data.updateVirtualKey.virtualKey.disableContentLogging).toBeNull();
  });
});

describe("customer email", () => {
  it("is optional, validated, returned, cleared with null or \"\", and filterable in GraphQL", async () => {
    const name = unique("cust");
    const email = `${name}@Example.com`;
    const res = await rest("POST", "/api/governance/customers", { name, email });
    expect(res.status).toBe(200);
    expect(res.body.customer.email).toBe(email.toLowerCase());
    const id = res.body.customer.id;
    expect((await rest("GET", `/api/governance/customers/${id}`)).body.customer.email).toBe(email.toLowerCase());

    const gql = await executeRaw(`query($e: String) { customers(filter: { email: $e }) { totalCount edges { node { uuid email } } } }`, { e: email.toUpperCase() });
    expect(gql.data.customers).toEqual({ totalCount: 1, edges: [{ node: { uuid: id, email: email.toLowerCase() } }] });

    for (const bad of ["not-an-email", "a@", "@b.c", "x".repeat(330) + "@a.io", 42]) {
      const r = await rest("POST", "/api/governance/customers", { name: unique("cust"), email: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/email/);
    }
    expect((await rest("PUT", `/api/governance/customers/${id}`, { email: "bad" })).status).toBe(400);
    const cleared = await rest("PUT", `/api/governance/customers/${id}`, { email: "" });
    expect(cleared.body.customer).not.toHaveProperty("email");

    const created = await executeRaw(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename ... on CustomerPayload { customer { email } } ... on ValidationError { message } } }`,
      { input: { name: unique("cust"), email: "nope" } },
    );
    expect(created.data.createCustomer.__typename).toBe("ValidationError");
  });
});

describe("quota and overrides as upstream (GraphQL side)", () => {
  it("quota carries rateLimits, provider config lists and model configs", async () => {
    const res = await createKey({
      rate_limit: { request_max_limit: 5, request_reset_duration: "1m" },
      provider_configs: [{ provider: "openai", weight: 3, allowed_models: ["gpt-4o"], blacklisted_models: ["regex:.*-preview"] }],
    });
    const q = await executeRaw(
      `query($k: String!) { quota(virtualKey: $k) { __typename ... on KeyQuota { rateLimits { requests { maxLimit } } providerConfigs { weight allowedModels blacklistedModels } modelConfigs { modelName } } } }`,
      { k: res.body.virtual_key.value },
    );
    expect(q.data.quota).toMatchObject({
      __typename: "KeyQuota",
      rateLimits: [{ requests: { maxLimit: 5 } }],
      providerConfigs: [{ weight: 3, allowedModels: ["gpt-4o"], blacklistedModels: ["regex:.*-preview"] }],
    });
    expect(Array.isArray(q.data.quota.modelConfigs)).toBe(true);
  });

  it("setBudgetOverride answers the effective limit (base + override, the base after removal)", async () => {
    const res = await createKey({ budget: { max_limit: 10, reset_duration: "1d" } });
    const vk = res.body.virtual_key;
    const set = await executeRaw(
      `mutation($v: String!, $b: String!) { setBudgetOverride(virtualKeyId: $v, budgetId: $b, input: { amount: 2.5, mode: forever }) { __typename ... on BudgetPayload { budget { effectiveLimit } } ... on Error { message } } }`,
      { v: vk.id, b: vk.budget.id },
    );
    expect(set.data?.setBudgetOverride ?? set.errors).toMatchObject({ budget: { effectiveLimit: 12.5 } });
  });
});
