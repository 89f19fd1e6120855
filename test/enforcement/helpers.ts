/** Test helpers for enforcement: keys with limits at every level, check/record calls and counter reads. */
import { loadConfig } from "../../src/config.js";
import { db } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { createHttpApp } from "../../src/rest/app.js";

let counter = 0;
/** A unique name per call (test files run in parallel and share a database). */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * The REST layer in process (no ports). Built without GraphQL so these tests do not depend on the
 * GraphQL schema, which another engineer is changing concurrently.
 */
const restApp = createHttpApp(loadConfig({ ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "" }), createLogger("silent"));
const handler = async (request: Request) => restApp.fetch(request);

export async function rest<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await handler(new Request(`http://test${path}`, init));
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export interface Chain {
  customerId: string;
  teamId: string;
  vkId: string;
  key: string;
}

type Json = Record<string, unknown>;

/** Customer → team → key, each with the given budget / rate limit (snake_case REST bodies). */
export async function createChain(opts: { customer?: Json; team?: Json; vk?: Json } = {}): Promise<Chain> {
  const c = await rest("POST", "/api/governance/customers", { name: unique("cust"), ...opts.customer });
  if (c.status !== 200) throw new Error(JSON.stringify(c.body));
  const t = await rest("POST", "/api/governance/teams", { name: unique("team"), customer_id: c.body.customer.id, ...opts.team });
  if (t.status !== 200) throw new Error(JSON.stringify(t.body));
  const vk = await rest("POST", "/api/governance/virtual-keys", {
    name: unique("vk"),
    team_id: t.body.team.id,
    provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["*"] }],
    ...opts.vk,
  });
  if (vk.status !== 200) throw new Error(JSON.stringify(vk.body));
  return { customerId: c.body.customer.id, teamId: t.body.team.id, vkId: vk.body.virtual_key.id, key: vk.body.virtual_key.value };
}

/** A key with no team or customer. */
export async function createKey(body: Json = {}): Promise<{ vkId: string; key: string }> {
  const vk = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), provider_configs: [{ provider: "openai", allowed_models: ["*"] }], ...body });
  if (vk.status !== 200) throw new Error(JSON.stringify(vk.body));
  return { vkId: vk.body.virtual_key.id, key: vk.body.virtual_key.value };
}

export const check = (key: string | undefined, body: Json, headers: Record<string, string> = {}) =>
  rest("POST", "/api/governance/check", body, key === undefined ? headers : { "x-bf-vk": key, ...headers });

export const record = (key: string | undefined, body: Json, headers: Record<string, string> = {}) =>
  rest("POST", "/api/governance/usage", body, key === undefined ? headers : { "x-bf-vk": key, ...headers });

/** Current counters of an owner's budgets (by reset_duration) and rate limit, straight from the database. */
export async function counters(owner: { virtualKeyId?: string; teamId?: string; customerId?: string; providerConfigId?: number; providerName?: string; modelConfigId?: string }) {
  const budgets = await db.budget.findMany({ where: owner, orderBy: { resetDuration: "asc" } });
  const rl = await db.rateLimit.findFirst({ where: owner });
  return {
    budgets: Object.fromEntries(budgets.map((b) => [b.resetDuration, Number(b.currentUsage)])),
    tokens: rl ? Number(rl.tokenCurrentUsage) : undefined,
    requests: rl ? Number(rl.requestCurrentUsage) : undefined,
  };
}

export const denial = (type: string, status: number, message: string) => ({
  type,
  is_bifrost_error: false,
  status_code: status,
  error: { message },
  extra_fields: {},
});
