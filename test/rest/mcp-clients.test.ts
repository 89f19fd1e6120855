/**
 * /api/mcp/clients and /api/mcp/client[/{name}]: shapes, Bifrost's validation texts, immutable
 * connection fields, header secrecy, and the cascade from a deleted client to VK MCP configs.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { envelope, mcpName, restText, stable } from "../helpers/config-api.js";
import { readGolden } from "../helpers/shape.js";
import { opened } from "../helpers/sealed.js";

const TOKEN = "Bearer mcp-HEADERSECRET-0001";
const ROTATED = "Bearer mcp-ROTATEDSECRET-0002";

const httpClient = (name: string) => ({
  name,
  connection_type: "http",
  connection_string: "https://tools.example.com/mcp",
  headers: { Authorization: TOKEN, x_api_key: "env.TOOLS_API_KEY" },
  tools_to_execute: ["search", "fetch"],
});

async function create(body: Record<string, unknown>) {
  const res = await restText("POST", "/api/mcp/client", body);
  expect(res.status, res.text).toBe(200);
  return res;
}

describe("MCP clients", () => {
  it("POST creates an http client; header values are stored, never returned; header names kept verbatim", async () => {
    const name = mcpName();
    const res = await create(httpClient(name));
    expect(res.text).not.toContain(TOKEN);
    expect(res.body).toMatchObject({
      status: "success",
      message: "MCP client created successfully",
      client: {
        config: {
          name,
          connection_type: "http",
          connection_string: "https://tools.example.com/mcp",
          headers: {
            Authorization: { value: "", env_var: "", from_env: false },
            x_api_key: { value: "", env_var: "env.TOOLS_API_KEY", from_env: true },
          },
          tools_to_execute: ["search", "fetch"],
        },
        vk_configs: [],
      },
    });
    const row = opened(await db.mcpClient.findUniqueOrThrow({ where: { name } }));
    expect(row.headers).toEqual({ Authorization: TOKEN, x_api_key: "env.TOOLS_API_KEY" });
    const s = stable(res.body, { [name]: "<mcp>" });
    expect(s).toEqual(readGolden("post-mcp-client", s));
  });

  it("POST creates a stdio client; tools_to_execute defaults to [\"*\"]", async () => {
    const name = mcpName();
    const res = await create({ name, connection_type: "stdio", stdio_config: { command: "npx", args: ["-y", "@acme/tools"], envs: ["ACME_TOKEN"] } });
    expect(res.body.client.config).toMatchObject({
      name,
      connection_type: "stdio",
      stdio_config: { command: "npx", args: ["-y", "@acme/tools"], envs: ["ACME_TOKEN"] },
      tools_to_execute: ["*"],
    });
    expect(res.body.client.config).not.toHaveProperty("connection_string");
    expect(opened(await db.mcpClient.findUniqueOrThrow({ where: { name } }))).toMatchObject({ connectionString: null, toolsToExecute: ["*"] });
  });

  it.each([
    ["no name", { connection_type: "http", connection_string: "https://x" }, "Invalid client name: name is required for MCP client"],
    ["a hyphen in the name", { name: "my-tools", connection_type: "http", connection_string: "https://x" }, "Invalid client name: name cannot contain hyphens"],
    ["a space in the name", { name: "my tools", connection_type: "http", connection_string: "https://x" }, "Invalid client name: name cannot contain spaces"],
    ["a leading digit", { name: "1tools", connection_type: "http", connection_string: "https://x" }, "Invalid client name: name cannot start with a number"],
    ["non-ASCII", { name: "outils_é", connection_type: "http", connection_string: "https://x" }, "Invalid client name: name must contain only ASCII characters"],
    ["no connection type", { name: "t" }, "connection_type is required"],
    ["an unknown connection type", { name: "t", connection_type: "ws" }, "unknown connection type 'ws' in client 't'"],
    ["http without a URL", { name: "t", connection_type: "http" }, "ConnectionString is required for HTTP connection type in client 't'"],
    ["sse with a bad URL", { name: "t", connection_type: "sse", connection_string: "ftp://x" }, "Invalid connection_string: must be an http(s) URL or an env.NAME reference"],
    ["stdio without config", { name: "t", connection_type: "stdio" }, "StdioConfig is required for STDIO connection type in client 't'"],
    ["stdio without command", { name: "t", connection_type: "stdio", stdio_config: { args: [] } }, "stdio_config.command is required"],
    ["stdio env that is not a name", { name: "t", connection_type: "stdio", stdio_config: { command: "x", envs: ["A=b"] } }, "invalid environment variable name in stdio_config.envs: A=b"],
    ["stdio with headers", { name: "t", connection_type: "stdio", stdio_config: { command: "x" }, headers: { A: "b" } }, "headers are only valid for http and sse connections"],
    ["http with stdio_config", { name: "t", connection_type: "http", connection_string: "https://x", stdio_config: { command: "x" } }, "stdio_config is only valid for stdio connections"],
    ["a bad header name", { name: "t", connection_type: "http", connection_string: "https://x", headers: { "Bad Header": TOKEN } }, "invalid header name: Bad Header"],
    ["an empty header value", { name: "t", connection_type: "http", connection_string: "https://x", headers: { A: "" } }, "header A must have a value"],
    ["wildcard mixed into tools", { name: "t", connection_type: "http", connection_string: "https://x", tools_to_execute: ["*", "a"] }, "invalid tools_to_execute: wildcard '*' cannot be used with other values in the whitelist"],
    ["an unknown field", { name: "t", connection_type: "http", connection_string: "https://x", auth_type: "oauth" }, "Unknown field: auth_type"],
  ])("POST with %s → 400, nothing stored", async (_label, body, message) => {
    const res = await restText("POST", "/api/mcp/client", body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    expect(res.text).not.toContain(TOKEN);
    const name = (body as { name?: string }).name;
    if (name) expect(await db.mcpClient.count({ where: { name } })).toBe(0);
  });

  it("POST a duplicate name → 400", async () => {
    const name = mcpName();
    await create(httpClient(name));
    const res = await rest("POST", "/api/mcp/client", httpClient(name));
    expect(res.body).toEqual(envelope(400, "a record with this name already exists. Please use a different value"));
    expect(await db.mcpClient.count({ where: { name } })).toBe(1);
  });

  it("GET lists clients with Bifrost's envelope, paging and search", async () => {
    const prefix = unique("list").replace(/-/g, "_");
    const names = [`${prefix}_a`, `${prefix}_b`];
    for (const n of names) await create(httpClient(n));
    const all = await restText("GET", "/api/mcp/clients");
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(all.body.clients.length);
    expect(all.body).toMatchObject({ total_count: all.body.count, limit: all.body.count, offset: 0 });
    expect(all.body.clients.map((c: any) => c.config.name)).toEqual(expect.arrayContaining(names));
    expect(all.text).not.toContain(TOKEN);
    const page = await rest("GET", `/api/mcp/clients?search=${prefix}&limit=1&offset=1`);
    expect(page.body).toMatchObject({ count: 1, total_count: 2, limit: 1, offset: 1 });
    expect(page.body.clients[0].config.name).toBe(names[1]);
    expect((await rest("GET", "/api/mcp/clients?limit=x")).body).toEqual(envelope(400, "Invalid limit parameter: must be a number"));
  });

  it("PUT edits name, headers and tools; redacted headers keep their stored value", async () => {
    const name = mcpName();
    const created = (await create(httpClient(name))).body.client.config;
    const renamed = `${name}_v2`;
    const res = await restText("PUT", `/api/mcp/client/${name}`, {
      name: renamed,
      connection_type: "http",
      connection_string: created.connection_string,
      headers: { Authorization: created.headers.Authorization, "X-Extra": ROTATED },
      tools_to_execute: ["*"],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(TOKEN);
    expect(res.text).not.toContain(ROTATED);
    expect(res.body).toMatchObject({ status: "success", message: "MCP client edited successfully", client: { config: { id: created.id, name: renamed, tools_to_execute: ["*"] } } });
    expect(Object.keys(res.body.client.config.headers)).toEqual(["Authorization", "X-Extra"]);
    const row = opened(await db.mcpClient.findUniqueOrThrow({ where: { id: created.id } }));
    expect(row).toMatchObject({ name: renamed, headers: { Authorization: TOKEN, "X-Extra": ROTATED }, toolsToExecute: ["*"] });
    expect((await rest("PUT", `/api/mcp/client/${name}`, {})).body).toEqual(envelope(404, "MCP client not found"));
  });

  it.each([
    ["connection_type", { connection_type: "sse" }],
    ["connection_string", { connection_string: "https://elsewhere.example.com/mcp" }],
    ["stdio_config", { stdio_config: { command: "node" } }],
  ])("PUT changing %s → 400, nothing changes", async (field, body) => {
    const name = mcpName();
    await create(httpClient(name));
    const res = await rest("PUT", `/api/mcp/client/${name}`, { ...body, tools_to_execute: [] });
    expect(res.body).toEqual(envelope(400, `${field} cannot be changed for an existing MCP client`));
    expect((opened(await db.mcpClient.findUniqueOrThrow({ where: { name } }))).toolsToExecute).toEqual(["search", "fetch"]);
  });

  it("DELETE removes the client and, by cascade, the VK MCP configs that used it", async () => {
    const name = mcpName();
    const client = (await create(httpClient(name))).body.client.config;
    const vk = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), mcp_configs: [{ mcp_client_name: name, tools_to_execute: ["search"] }] });
    expect(vk.status, JSON.stringify(vk.body)).toBe(200);
    expect(await db.mcpConfig.count({ where: { mcpClientId: client.id } })).toBe(1);

    const res = await rest("DELETE", `/api/mcp/client/${name}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success", message: "MCP client removed successfully" });
    expect(await db.mcpClient.count({ where: { name } })).toBe(0);
    expect(await db.mcpConfig.count({ where: { mcpClientId: client.id } })).toBe(0);
    expect((await rest("GET", `/api/governance/virtual-keys/${vk.body.virtual_key.id}`)).body.virtual_key.mcp_configs).toEqual([]);
    expect((await rest("DELETE", `/api/mcp/client/${name}`)).body).toEqual(envelope(404, "MCP client not found"));
  });
});
