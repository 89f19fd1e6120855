/** Rows that tests need but that no #2 route creates yet (provider keys, MCP clients); unique by default. */
import { db } from "../../src/db/client.js";
import { unique } from "./app.js";

export async function createProviderKey(provider = "openai", overrides: { name?: string; value?: string; models?: string[] } = {}) {
  await db.provider.upsert({ where: { name: provider }, create: { name: provider }, update: {} });
  return db.providerKey.create({
    data: { provider, name: overrides.name ?? unique("key"), value: overrides.value ?? "env.OPENAI_API_KEY", models: overrides.models ?? ["gpt-4o", "gpt-4o-mini"] },
  });
}

export async function createMcpClient(name = unique("mcp")) {
  return db.mcpClient.create({ data: { name, connectionType: "http", connectionString: "http://127.0.0.1:9/mcp", toolsToExecute: ["*"] } });
}
