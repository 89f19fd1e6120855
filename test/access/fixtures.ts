/**
 * Access-control fixtures: two customers (A owns the addressed rows, B is "another customer"), a management key
 * of every role plus an expired and a revoked one, and calls through the HTTP edge as if from a given address.
 */
import { createContext } from "../../src/context.js";
import { createManagementKey, revokeManagementKey } from "../../src/services/management-keys.js";
import { db } from "../../src/db/client.js";
import { app, unique } from "../helpers/app.js";

export const PRINCIPALS = ["none", "viewer", "customerAdminOwn", "customerAdminOther", "gateway", "admin", "expired", "revoked"] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

const local = createContext();
let addressCounter = 0;
/** A fresh non-loopback peer address per request: the failure throttle never mixes into the matrix. */
export const freshAddress = () => `198.51.${(addressCounter >> 8) & 255}.${addressCounter++ & 255}`;

export interface CallOptions {
  headers?: Record<string, string>;
  address?: string | null;
}

/** Through the HTTP edge, with `address` as the peer (null = in process). */
export async function call(method: string, path: string, body?: unknown, o: CallOptions = {}) {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...o.headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const address = o.address === undefined ? freshAddress() : o.address;
  const env = address === null ? undefined : { incoming: { socket: { remoteAddress: address } } };
  const res = await app.fetch(new Request(`http://test${path}`, init), env);
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** As the local admin (in process, no credential needed while no env credential is configured). */
export async function asAdmin(method: string, path: string, body?: unknown) {
  const r = await call(method, path, body, { address: null });
  if (r.status !== 200 && r.status !== 201) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export interface World {
  tokens: Record<PrincipalName, string | undefined>;
  customerA: string;
  customerB: string;
  teamA: string;
  vkA: string;
  vkAValue: string;
  /** A budget of vkA (override routes). */
  budgetA: string;
  provider: string;
  providerKey: string;
  mcpClient: string;
  modelConfig: string;
  managementKey: string;
  /** The admin key's id (what the audit log names). */
  adminKeyId: string;
}

/**
 * Revokes every management key (afterAll of each file that builds a world): on PostgreSQL the project's database
 * is shared with the server processes other test files start, and one unrevoked key means "credentials
 * configured" there — every request of theirs would be 401.
 */
export async function revokeAllKeys(): Promise<void> {
  await db.managementKey.updateMany({ where: { revokedAt: null }, data: { revokedAt: new Date() } });
}

export async function buildWorld(): Promise<World> {
  const customerA = (await asAdmin("POST", "/api/governance/customers", { name: unique("acl-a"), budget: { max_limit: 100, reset_duration: "1d" } })).customer.id;
  const customerB = (await asAdmin("POST", "/api/governance/customers", { name: unique("acl-b") })).customer.id;
  const teamA = (await asAdmin("POST", "/api/governance/teams", { name: unique("acl-team"), customer_id: customerA })).team.id;
  const vk = (await asAdmin("POST", "/api/governance/virtual-keys", {
    name: unique("acl-vk"),
    team_id: teamA,
    budget: { max_limit: 50, reset_duration: "1d" },
    provider_configs: [{ provider: "openai", allowed_models: ["*"] }],
  })).virtual_key;
  const provider = unique("aclprov").replace(/-/g, "_");
  await asAdmin("POST", "/api/providers", { provider });
  const providerKey = (await asAdmin("POST", `/api/providers/${provider}/keys`, { name: "k", value: "sk-acl-provider-secret" })).key_id;
  const mcpClient = unique("aclmcp").replace(/-/g, "_");
  await asAdmin("POST", "/api/mcp/client", { name: mcpClient, connection_type: "http", connection_string: "https://tools.example/mcp" });
  const modelConfig = (await asAdmin("POST", "/api/governance/model-configs", { model_name: unique("acl-model") })).model_config.id;

  const key = async (role: string, extra: Record<string, unknown> = {}) => createManagementKey(local, { name: unique(`acl-${role}`), role, ...extra });
  const viewer = await key("viewer");
  const own = await key("customer-admin", { customerId: customerA });
  const other = await key("customer-admin", { customerId: customerB });
  const gateway = await key("gateway");
  const admin = await key("admin");
  const expired = await key("admin", { expiresAt: new Date(Date.now() - 60_000).toISOString() });
  const revoked = await key("admin");
  await revokeManagementKey(local, revoked.key.id);
  return {
    tokens: {
      none: undefined,
      viewer: viewer.value,
      customerAdminOwn: own.value,
      customerAdminOther: other.value,
      gateway: gateway.value,
      admin: admin.value,
      expired: expired.value,
      revoked: revoked.value,
    },
    customerA,
    customerB,
    teamA,
    vkA: vk.id,
    vkAValue: vk.value,
    budgetA: vk.budget_id,
    provider,
    providerKey,
    mcpClient,
    modelConfig,
    managementKey: viewer.key.id,
    adminKeyId: admin.key.id,
  };
}

export const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
