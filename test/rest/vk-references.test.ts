/**
 * Virtual keys referencing configuration created through the new routes: `provider_configs[].key_ids`
 * resolves keys from /api/providers/{p}/keys, `mcp_configs[].mcp_client_name` resolves clients from
 * /api/mcp/client; deleting the referenced rows detaches them from the key.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { envelope, mcpName, providerName, restText } from "../helpers/config-api.js";

const SECRET = "sk-live-VKREFSECRET-0001";

describe("virtual keys referencing route-created configuration", () => {
  it("key_ids: a key created through /api/providers is bound, shown redacted, and unbound when deleted", async () => {
    const provider = providerName();
    expect((await rest("POST", "/api/providers", { provider })).status).toBe(200);
    const key = (await rest("POST", `/api/providers/${provider}/keys`, { name: "primary", value: SECRET, models: ["gpt-4o"] })).body;
    const other = (await rest("POST", `/api/providers/${provider}/keys`, { name: "spare", value: "env.SPARE" })).body;

    const created = await restText("POST", "/api/governance/virtual-keys", {
      name: unique("vk"),
      provider_configs: [{ provider, allowed_models: ["gpt-4o"], key_ids: [key.key_id] }],
    });
    expect(created.status, created.text).toBe(200);
    expect(created.text).not.toContain(SECRET);
    const pc = created.body.virtual_key.provider_configs[0];
    expect(pc).toMatchObject({ provider, allow_all_keys: false });
    expect(pc.keys).toEqual([
      expect.objectContaining({ id: key.id, key_id: key.key_id, name: "primary", provider, value: { value: "", env_var: "", from_env: false } }),
    ]);
    expect(await db.providerConfigKey.findMany({ where: { providerConfigId: pc.id } })).toEqual([{ providerConfigId: pc.id, providerKeyId: key.id }]);

    const wrongProvider = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), provider_configs: [{ provider: "openai", key_ids: [other.key_id] }] });
    expect(wrongProvider.body).toEqual(envelope(400, "some keys not found for provider openai: expected 1, found 0"));

    expect((await rest("DELETE", `/api/providers/${provider}/keys/${key.key_id}`)).status).toBe(200);
    const read = await rest("GET", `/api/governance/virtual-keys/${created.body.virtual_key.id}`);
    expect(read.body.virtual_key.provider_configs[0]).toMatchObject({ id: pc.id, keys: [], allow_all_keys: false });
    expect(await db.providerConfigKey.count({ where: { providerConfigId: pc.id } })).toBe(0);
  });

  it("mcp_client_name: a client created through /api/mcp/client resolves and lists the key in vk_configs", async () => {
    const name = mcpName();
    const client = (await rest("POST", "/api/mcp/client", { name, connection_type: "sse", connection_string: "https://tools.example.com/sse" })).body.client;
    const vk = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), mcp_configs: [{ mcp_client_name: name, tools_to_execute: ["search"] }] });
    expect(vk.status, JSON.stringify(vk.body)).toBe(200);
    expect(vk.body.virtual_key.mcp_configs).toEqual([
      expect.objectContaining({ mcp_client_id: client.config.id, mcp_client_name: name, tools_to_execute: ["search"] }),
    ]);
    expect(await db.mcpConfig.count({ where: { virtualKeyId: vk.body.virtual_key.id, mcpClientId: client.config.id } })).toBe(1);

    const listed = (await rest("GET", `/api/mcp/clients?search=${name}`)).body.clients[0];
    expect(listed.vk_configs).toEqual([{ virtual_key_id: vk.body.virtual_key.id, virtual_key_name: vk.body.virtual_key.name, tools_to_execute: ["search"] }]);
  });
});
