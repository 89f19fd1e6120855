/**
 * Rows of the gateway-configuration resources (providers, provider keys, MCP clients, model configs,
 * provider governance) → Bifrost-style JSON. Secrets never leave: a provider key value, credential
 * fields and MCP header values appear only as `{"value":"","env_var":"env.NAME"|"","from_env":bool}`.
 */
import type { ProviderKey } from "../generated/prisma/client.js";
import type { McpClientRow } from "../services/mcp-clients.js";
import type { ModelConfigRow } from "../services/model-configs.js";
import type { ProviderGovernanceRow } from "../services/provider-governance.js";
import { CONFIG_FIELDS, CONFIG_KINDS, SECRET_FIELDS, type KeySettings } from "../services/provider-keys.js";
import type { ProviderRow } from "../services/providers.js";
import { isEnvRef } from "../services/secrets.js";
import { limits, providerKey } from "./serialize.js";

type Json = Record<string, unknown>;
const iso = (d: Date) => d.toISOString();
const compact = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const stamps = (o: { createdAt: Date; updatedAt: Date }) => ({ created_at: iso(o.createdAt), updated_at: iso(o.updatedAt) });

/** The redacted form of a stored secret: an env reference is shown as such, a raw value never. */
export function redacted(value: string): Json {
  const fromEnv = isEnvRef(value);
  return { value: "", env_var: fromEnv ? value : "", from_env: fromEnv };
}

/** `azure_key_config` / `vertex_key_config` / `bedrock_key_config`: plain fields as stored, credentials redacted. */
function keyConfigs(settings: unknown): Json {
  const stored = (settings ?? {}) as KeySettings;
  const out: Json = {};
  for (const kind of CONFIG_KINDS) {
    const config = stored[kind];
    if (!config) continue;
    out[snake(kind)] = Object.fromEntries(
      CONFIG_FIELDS[kind]
        .filter((field) => config[field] !== undefined)
        .map((field) => [snake(field), SECRET_FIELDS[kind].includes(field) ? redacted(String(config[field])) : config[field]]),
    );
  }
  return out;
}

/** A provider key as `/api/providers/{p}/keys` shows it: the VK-embedded form plus its provider config. */
export function providerKeyDetail(k: ProviderKey): Json {
  return { ...providerKey(k), ...keyConfigs(k.settings) };
}

export function provider(p: ProviderRow): Json {
  return { name: p.name, keys: p.keys.map(providerKeyDetail), ...stamps(p) };
}

/** Bifrost's MCP client item `{config, vk_configs}`; headers by name only, values redacted. */
export function mcpClient(c: McpClientRow): Json {
  const headers = c.headers as Record<string, string> | null;
  return {
    config: compact({
      id: c.id,
      name: c.name,
      connection_type: c.connectionType,
      connection_string: c.connectionString ?? undefined,
      stdio_config: c.stdioConfig ?? undefined,
      headers: headers ? Object.fromEntries(Object.keys(headers).sort().map((h) => [h, redacted(headers[h]!)])) : undefined,
      tools_to_execute: c.toolsToExecute,
      ...stamps(c),
    }),
    vk_configs: c.configs.map((m) => ({ virtual_key_id: m.virtualKeyId, virtual_key_name: m.virtualKey.name, tools_to_execute: m.toolsToExecute })),
  };
}

export function modelConfig(m: ModelConfigRow): Json {
  return compact({ id: m.id, model_name: m.modelName, provider: m.provider ?? undefined, ...limits(m), config_hash: m.configHash, ...stamps(m) });
}

/** `{provider, budget?, budgets?, rate_limit?}` (Bifrost's ProviderGovernanceResponse, plus CURRENT's budgets). */
export function providerGovernance(p: ProviderGovernanceRow): Json {
  const { budget_id: _b, rate_limit_id: _r, ...rest } = limits(p);
  return compact({ provider: p.name, ...rest });
}
