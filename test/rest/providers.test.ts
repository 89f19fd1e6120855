/**
 * /api/providers and /api/providers/{provider}/keys: shapes, defaults, validation, 404s, cascades, and
 * the rule that no secret (key value, credential fields) ever appears in any response.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { envelope, providerName, restText, stable } from "../helpers/config-api.js";
import { readGolden } from "../helpers/shape.js";
import { opened } from "../helpers/sealed.js";

const SECRET = "sk-live-PROVIDERKEYSECRET-0001";
const CLIENT_SECRET = "azure-CLIENTSECRET-0002";
const TENANT = "azure-TENANTSECRET-0003";
const ROTATED = "sk-live-ROTATEDSECRET-0004";
const BEDROCK_SECRET = "aws-SECRETKEY-0005";
const SECRETS = [SECRET, CLIENT_SECRET, TENANT, ROTATED, BEDROCK_SECRET];

async function newProvider(): Promise<string> {
  const name = providerName();
  const res = await rest("POST", "/api/providers", { provider: name });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return name;
}

const azureKey = (name: string) => ({
  name,
  value: SECRET,
  models: ["gpt-4o"],
  weight: 0.5,
  azure_key_config: {
    endpoint: "https://example.openai.azure.com",
    api_version: "2024-10-21",
    deployments: { gpt_4o_mini: "dep-mini", "GPT-4o": "dep-4o" },
    client_id: "env.AZURE_CLIENT_ID",
    client_secret: CLIENT_SECRET,
    tenant_id: TENANT,
  },
});

describe("providers", () => {
  it("POST creates a provider; GET lists and reads it", async () => {
    const name = providerName();
    const res = await rest("POST", "/api/providers", { provider: name });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, keys: [] });
    expect(await db.provider.count({ where: { name } })).toBe(1);
    const s = stable(res.body, { [name]: "<provider>" });
    expect(s).toEqual(readGolden("post-providers", s));

    const list = await rest("GET", "/api/providers");
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(list.body.providers.length);
    expect(list.body.providers.map((p: any) => p.name)).toContain(name);
    const names = list.body.providers.map((p: any) => p.name);
    expect(names).toEqual([...names].sort());

    expect((await rest("GET", `/api/providers/${name}`)).body).toEqual(res.body);
  });

  it.each([
    ["no provider", {}, "Missing provider"],
    ["blank provider", { provider: " " }, "Missing provider"],
    ["bad name", { provider: "open ai" }, "invalid provider name: open ai"],
    ["unknown field", { provider: "x", network_config: {} }, "Unknown field: network_config"],
    ["invalid JSON", "{nope", "Invalid JSON"],
  ])("POST with %s → 400", async (_label, body, message) => {
    const res = await rest("POST", "/api/providers", body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
  });

  it("POST an existing provider → 400 (Part 1: a client mistake), nothing changes", async () => {
    const name = await newProvider();
    const res = await rest("POST", "/api/providers", { provider: name });
    expect(res.body).toEqual(envelope(400, `Provider ${name} already exists`));
    expect(await db.provider.count({ where: { name } })).toBe(1);
  });

  it("unknown provider → 404 on every provider route", async () => {
    const name = providerName();
    for (const [method, path, body] of [
      ["GET", `/api/providers/${name}`],
      ["DELETE", `/api/providers/${name}`],
      ["GET", `/api/providers/${name}/keys`],
      ["POST", `/api/providers/${name}/keys`, { name: "k", value: "env.X" }],
      ["GET", `/api/providers/${name}/keys/00000000-0000-4000-8000-000000000000`],
    ] as const) {
      const res = await rest(method, path, body);
      expect(res.body, `${method} ${path}`).toEqual(envelope(404, "Provider not found"));
    }
    expect(await db.providerKey.count({ where: { provider: name } })).toBe(0);
  });

  it("DELETE removes the provider, its keys and its governance; a second DELETE → 404", async () => {
    const name = await newProvider();
    await rest("POST", `/api/providers/${name}/keys`, { name: "k1", value: SECRET });
    await rest("PUT", `/api/governance/providers/${name}`, { budget: { max_limit: 5, reset_duration: "1d" } });
    expect(await db.budget.count({ where: { providerName: name } })).toBe(1);

    const res = await restText("DELETE", `/api/providers/${name}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Provider deleted successfully", name });
    expect(await db.provider.count({ where: { name } })).toBe(0);
    expect(await db.providerKey.count({ where: { provider: name } })).toBe(0);
    expect(await db.budget.count({ where: { providerName: name } })).toBe(0);
    expect((await rest("DELETE", `/api/providers/${name}`)).body).toEqual(envelope(404, "Provider not found"));
  });
});

describe("provider keys", () => {
  it("POST stores the secret, returns it redacted with the non-secret config; map keys stay verbatim", async () => {
    const provider = await newProvider();
    const name = unique("key");
    const res = await restText("POST", `/api/providers/${provider}/keys`, azureKey(name));
    expect(res.status, res.text).toBe(200);
    for (const s of SECRETS) expect(res.text).not.toContain(s);
    expect(res.body).toMatchObject({
      name,
      provider,
      value: { value: "", env_var: "", from_env: false },
      models: ["gpt-4o"],
      weight: 0.5,
      enabled: true,
      use_for_batch_api: false,
      azure_key_config: {
        endpoint: "https://example.openai.azure.com",
        api_version: "2024-10-21",
        deployments: { gpt_4o_mini: "dep-mini", "GPT-4o": "dep-4o" },
        client_id: { value: "", env_var: "env.AZURE_CLIENT_ID", from_env: true },
        client_secret: { value: "", env_var: "", from_env: false },
        tenant_id: { value: "", env_var: "", from_env: false },
      },
    });
    const row = opened(await db.providerKey.findUniqueOrThrow({ where: { keyId: res.body.key_id } }));
    expect(row).toMatchObject({ provider, name, value: SECRET, weight: 0.5 });
    expect(row.settings).toEqual({
      azureKeyConfig: {
        endpoint: "https://example.openai.azure.com",
        apiVersion: "2024-10-21",
        deployments: { gpt_4o_mini: "dep-mini", "GPT-4o": "dep-4o" },
        clientId: "env.AZURE_CLIENT_ID",
        clientSecret: CLIENT_SECRET,
        tenantId: TENANT,
      },
    });
    const s = stable(res.body, { [provider]: "<provider>", [name]: "<key>" });
    expect(s).toEqual(readGolden("post-provider-keys", s));
  });

  it("defaults: models [], weight 1, enabled, not for batch; an env reference is shown as a reference", async () => {
    const provider = await newProvider();
    const res = await rest("POST", `/api/providers/${provider}/keys`, { name: "k", value: "env.OPENAI_API_KEY" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ models: [], weight: 1, enabled: true, use_for_batch_api: false });
    expect(res.body.value).toEqual({ value: "", env_var: "env.OPENAI_API_KEY", from_env: true });
    expect(res.body).not.toHaveProperty("azure_key_config");
  });

  it.each([
    ["no name", { value: SECRET }, "Key name is required"],
    ["no value", { name: "k" }, "Key value must not be empty"],
    ["empty value", { name: "k", value: "" }, "Key value must not be empty"],
    ["a redacted value on create", { name: "k", value: { value: "", env_var: "", from_env: false } }, "Key value must not be empty"],
    ["a bad env reference", { name: "k", value: "env.NOT-A-NAME" }, "invalid environment variable reference in value: expected env.NAME"],
    ["wildcard mixed into models", { name: "k", value: SECRET, models: ["*", "gpt-4o"] }, "invalid models: wildcard '*' cannot be used with other values in the whitelist"],
    ["a negative weight", { name: "k", value: SECRET, weight: -1 }, "weight cannot be negative: -1"],
    ["an unknown field", { name: "k", value: SECRET, key: SECRET }, "Unknown field: key"],
    ["an unknown config field", { name: "k", value: SECRET, azure_key_config: { endpoint: "https://e", secret: SECRET } }, "Unknown field: azure_key_config.secret"],
    ["azure without endpoint", { name: "k", value: SECRET, azure_key_config: { api_version: "v" } }, "azure_key_config.endpoint is required"],
    ["vertex without region", { name: "k", value: SECRET, vertex_key_config: { project_id: "p" } }, "vertex_key_config.region is required"],
    [
      "two provider configs",
      { name: "k", value: SECRET, azure_key_config: { endpoint: "https://e" }, bedrock_key_config: { region: "us-east-1" } },
      "only one of azure_key_config, vertex_key_config and bedrock_key_config can be set",
    ],
  ])("POST with %s → 400, nothing stored, no secret echoed", async (_label, body, message) => {
    const provider = await newProvider();
    const res = await restText("POST", `/api/providers/${provider}/keys`, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    for (const s of SECRETS) expect(res.text).not.toContain(s);
    expect(await db.providerKey.count({ where: { provider } })).toBe(0);
  });

  it("names are unique within a provider (400), not across providers", async () => {
    const [a, b] = [await newProvider(), await newProvider()];
    expect((await rest("POST", `/api/providers/${a}/keys`, { name: "main", value: SECRET })).status).toBe(200);
    const dup = await rest("POST", `/api/providers/${a}/keys`, { name: "main", value: "env.K" });
    expect(dup.body).toEqual(envelope(400, "API key names must be unique within a provider. Choose a different name"));
    expect((await rest("POST", `/api/providers/${b}/keys`, { name: "main", value: SECRET })).status).toBe(200);
    expect(await db.providerKey.count({ where: { provider: a } })).toBe(1);
  });

  it("GET one and the list; unknown or foreign key ids → 404", async () => {
    const [provider, other] = [await newProvider(), await newProvider()];
    const k1 = (await rest("POST", `/api/providers/${provider}/keys`, { name: "k1", value: SECRET })).body;
    const k2 = (await rest("POST", `/api/providers/${provider}/keys`, { name: "k2", value: "env.K2" })).body;
    const list = await restText("GET", `/api/providers/${provider}/keys`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ keys: [k1, k2], total: 2 });
    expect(list.text).not.toContain(SECRET);
    expect((await rest("GET", `/api/providers/${provider}/keys/${k1.key_id}`)).body).toEqual(k1);
    for (const path of [`/api/providers/${other}/keys/${k1.key_id}`, `/api/providers/${provider}/keys/not-a-uuid`]) {
      expect((await rest("GET", path)).body).toEqual(envelope(404, "Provider key not found"));
    }
    const providerRead = await restText("GET", `/api/providers/${provider}`);
    expect(providerRead.body.keys).toEqual([k1, k2]);
    expect(providerRead.text).not.toContain(SECRET);
  });

  it("PUT is partial: omitted or redacted secrets are kept, new ones replace, configs merge by field", async () => {
    const provider = await newProvider();
    const created = (await rest("POST", `/api/providers/${provider}/keys`, azureKey("k"))).body;
    const path = `/api/providers/${provider}/keys/${created.key_id}`;
    const row = async () => opened(await db.providerKey.findUniqueOrThrow({ where: { keyId: created.key_id } }));

    const partial = await restText("PUT", path, { weight: 2, enabled: false });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ weight: 2, enabled: false, name: "k", azure_key_config: created.azure_key_config });
    expect(await row()).toMatchObject({ value: SECRET, weight: 2, enabled: false });

    // A read sent back as-is (redacted value and credentials) changes nothing secret.
    const echo = await restText("PUT", path, {
      name: "k",
      value: partial.body.value,
      azure_key_config: { ...partial.body.azure_key_config, endpoint: "https://moved.openai.azure.com" },
    });
    expect(echo.status, echo.text).toBe(200);
    const afterEcho = await row();
    expect(afterEcho.value).toBe(SECRET);
    expect(afterEcho.settings).toMatchObject({ azureKeyConfig: { endpoint: "https://moved.openai.azure.com", clientSecret: CLIENT_SECRET, tenantId: TENANT } });

    const rotated = await restText("PUT", path, { value: ROTATED, azure_key_config: null, bedrock_key_config: { region: "us-east-1", secret_key: BEDROCK_SECRET, access_key: "env.AWS_KEY" } });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body).not.toHaveProperty("azure_key_config");
    expect(rotated.body.bedrock_key_config).toEqual({
      region: "us-east-1",
      secret_key: { value: "", env_var: "", from_env: false },
      access_key: { value: "", env_var: "env.AWS_KEY", from_env: true },
    });
    expect(await row()).toMatchObject({ value: ROTATED, settings: { bedrockKeyConfig: { region: "us-east-1", secretKey: BEDROCK_SECRET, accessKey: "env.AWS_KEY" } } });

    for (const r of [partial, echo, rotated]) for (const s of SECRETS) expect(r.text).not.toContain(s);
  });

  it("PUT renaming onto another key's name → 400; unknown fields → 400; unknown key → 404", async () => {
    const provider = await newProvider();
    await rest("POST", `/api/providers/${provider}/keys`, { name: "a", value: SECRET });
    const b = (await rest("POST", `/api/providers/${provider}/keys`, { name: "b", value: SECRET })).body;
    const path = `/api/providers/${provider}/keys/${b.key_id}`;
    expect((await rest("PUT", path, { name: "a" })).body).toEqual(envelope(400, "API key names must be unique within a provider. Choose a different name"));
    expect((await rest("PUT", path, { name: " " })).body).toEqual(envelope(400, "Key name is required"));
    expect((await rest("PUT", path, { value: "" })).body).toEqual(envelope(400, "Key value must not be empty"));
    expect((await rest("PUT", path, { provider: "other" })).body).toEqual(envelope(400, "Unknown field: provider"));
    expect((await rest("PUT", `/api/providers/${provider}/keys/00000000-0000-4000-8000-000000000000`, { weight: 1 })).body).toEqual(
      envelope(404, "Provider key not found"),
    );
    expect((opened(await db.providerKey.findUniqueOrThrow({ where: { keyId: b.key_id } }))).name).toBe("b");
  });

  it("DELETE returns the deleted key redacted; then 404", async () => {
    const provider = await newProvider();
    const k = (await rest("POST", `/api/providers/${provider}/keys`, { name: "k", value: SECRET })).body;
    const path = `/api/providers/${provider}/keys/${k.key_id}`;
    const res = await restText("DELETE", path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(k);
    expect(res.text).not.toContain(SECRET);
    expect(await db.providerKey.count({ where: { keyId: k.key_id } })).toBe(0);
    expect((await rest("DELETE", path)).body).toEqual(envelope(404, "Provider key not found"));
  });
});
