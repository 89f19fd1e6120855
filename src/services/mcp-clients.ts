/**
 * MCP clients (Bifrost's `/api/mcp/clients`, `/api/mcp/client`): the tool servers that
 * `mcp_configs[].mcp_client_name` refers to. Callable from REST. Invariants: names are unique and
 * follow Bifrost's rule (ASCII, no hyphens or spaces, not starting with a digit); http/sse clients
 * have a connection string, stdio clients a command; connection type, connection string and stdio
 * config never change after creation; header values are secrets (stored, never returned).
 * This service stores configuration only: it does not connect to the servers.
 */
import { z } from "zod";
import { db, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { NotFoundError, ValidationError } from "./errors.js";
import { listPage, parsePage, type Paged } from "./pagination.js";
import { rethrowUniqueName } from "./prisma-errors.js";
import { sealSecret } from "./encryption.js";
import { checkSecret, resolveSecret, secretInput, type SecretInput } from "./secrets.js";
import { checkAllowList, fail, parseInput } from "./validation.js";
import { likeLiteral, safeArg } from "./text.js";
import { lockRow } from "./row-locks.js";

export const mcpClientInclude = {
  configs: { include: { virtualKey: { select: { id: true, name: true } } }, orderBy: { id: "asc" as const } },
} as const satisfies Prisma.McpClientInclude;
export type McpClientRow = Prisma.McpClientGetPayload<{ include: typeof mcpClientInclude }>;

export interface StdioConfig {
  command: string;
  args: string[];
  envs: string[];
}

const CONNECTION_TYPES = ["http", "sse", "stdio"];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const URL_OR_ENV = /^(https?:\/\/\S+|env\.[A-Za-z_][A-Za-z0-9_]*)$/;

const stdioShape = z.strictObject({
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  envs: z.array(z.string()).optional(),
});

const clientShape = z.strictObject({
  name: z.string().optional(),
  connectionType: z.string().optional(),
  connectionString: z.string().nullable().optional(),
  stdioConfig: stdioShape.nullable().optional(),
  headers: z.record(z.string(), secretInput).optional(),
  toolsToExecute: z.array(z.string()).optional(),
});
type ClientInput = z.output<typeof clientShape>;

/** Bifrost's ValidateMCPClientName, with its texts. */
function nameProblem(name: string): string | undefined {
  if (!name.trim()) return "name is required for MCP client";
  if (/[^\x00-\x7f]/.test(name)) return "name must contain only ASCII characters";
  if (name.includes("-")) return "name cannot contain hyphens";
  if (name.includes(" ")) return "name cannot contain spaces";
  if (/^[0-9]/.test(name)) return "name cannot start with a number";
  if (name.length > 255) return "name must be at most 255 characters";
  return undefined;
}

function checkCommon(ctx: z.core.$RefinementCtx, v: ClientInput, creating: boolean): void {
  if (v.name !== undefined || creating) {
    const problem = nameProblem(v.name ?? "");
    if (problem) return fail(ctx, ["name"], `Invalid client name: ${problem}`);
  }
  for (const [h, value] of Object.entries(v.headers ?? {})) {
    if (!HEADER_NAME.test(h)) return fail(ctx, ["headers"], `invalid header name: ${h}`);
    if (value === "") return fail(ctx, ["headers"], `header ${h} must have a value`);
    checkSecret(ctx, ["headers"], value, `header ${h}`);
  }
  checkAllowList(ctx, ["toolsToExecute"], v.toolsToExecute, "tools_to_execute");
}

/** Connection rules of a new client (Bifrost's validateMCPClientConfig texts where it has them). */
function checkConnection(ctx: z.core.$RefinementCtx, v: ClientInput): void {
  const type = v.connectionType;
  if (!type) return fail(ctx, ["connectionType"], "connection_type is required");
  if (!CONNECTION_TYPES.includes(type)) return fail(ctx, ["connectionType"], `unknown connection type '${type}' in client '${v.name}'`);
  if (type === "stdio") {
    if (!v.stdioConfig) return fail(ctx, ["stdioConfig"], `StdioConfig is required for STDIO connection type in client '${v.name}'`);
    if (!v.stdioConfig.command?.trim()) return fail(ctx, ["stdioConfig", "command"], "stdio_config.command is required");
    const bad = v.stdioConfig.envs?.find((e) => !ENV_NAME.test(e));
    if (bad !== undefined) return fail(ctx, ["stdioConfig", "envs"], `invalid environment variable name in stdio_config.envs: ${bad}`);
    if (v.connectionString != null) return fail(ctx, ["connectionString"], "connection_string is only valid for http and sse connections");
    if (v.headers) return fail(ctx, ["headers"], "headers are only valid for http and sse connections");
    return;
  }
  if (!v.connectionString) {
    return fail(ctx, ["connectionString"], `ConnectionString is required for ${type.toUpperCase()} connection type in client '${v.name}'`);
  }
  if (!URL_OR_ENV.test(v.connectionString)) {
    return fail(ctx, ["connectionString"], "Invalid connection_string: must be an http(s) URL or an env.NAME reference");
  }
  if (v.stdioConfig != null) return fail(ctx, ["stdioConfig"], "stdio_config is only valid for stdio connections");
}

export const createMcpClientSchema = clientShape.superRefine((v, ctx) => {
  checkCommon(ctx, v, true);
  checkConnection(ctx, v);
});
export const updateMcpClientSchema = clientShape.superRefine((v, ctx) => checkCommon(ctx, v, false));

const stdioOf = (s: z.output<typeof stdioShape>): StdioConfig => ({ command: s.command!.trim(), args: s.args ?? [], envs: s.envs ?? [] });

/** Resolves header values; a redacted echo keeps the stored value of that header, else it is an error. */
function resolveHeaders(given: Record<string, SecretInput>, stored: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(given).map(([h, s]) => {
      const value = sealSecret(resolveSecret(s)) ?? stored[h];
      if (value === undefined) throw new ValidationError(`header ${h} must have a value`, [{ path: ["headers", h], message: `header ${h} must have a value` }]);
      return [h, value];
    }),
  );
}

async function findClient(tx: Tx, name: string): Promise<McpClientRow> {
  safeArg(name, "MCP client name");
  const row = await tx.mcpClient.findUnique({ where: { name }, include: mcpClientInclude });
  if (!row) throw new NotFoundError("MCP client");
  return row;
}

/** Creates a client; `tools_to_execute` defaults to ["*"]. Duplicate names are 400 (Part 1 §2). */
export async function createMcpClient(ctx: RequestContext, input: unknown): Promise<McpClientRow> {
  const v = parseInput(createMcpClientSchema, input);
  const headers = v.headers ? resolveHeaders(v.headers, {}) : undefined;
  return audited(ctx, { action: "create", entity: "McpClient", idOf: (c: McpClientRow) => c.name }, async (tx) => {
      const created = await tx.mcpClient.create({
        data: {
          name: v.name!,
          connectionType: v.connectionType!,
          connectionString: v.connectionType === "stdio" ? null : v.connectionString!,
          stdioConfig: v.stdioConfig ? { ...stdioOf(v.stdioConfig) } : undefined,
          headers,
          toolsToExecute: v.toolsToExecute ?? ["*"],
        },
      });
      return findClient(tx, created.name);
    }).catch(rethrowUniqueName);
}

export async function getMcpClient(_ctx: RequestContext, name: string): Promise<McpClientRow> {
  return findClient(db, name);
}

export interface McpClientListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  search?: string | undefined;
}

/** Lists clients (created_at, id order) with the VK configs that use them; `search` matches the name. */
export async function listMcpClients(_ctx: RequestContext, q: McpClientListQuery): Promise<Paged<McpClientRow>> {
  const page = parsePage(q, Boolean(q.search));
  const where = q.search ? { name: { contains: likeLiteral(q.search), mode: "insensitive" as const } } : {};
  return listPage(page, (args) => db.mcpClient.findMany({ where, include: mcpClientInclude, ...args }), () => db.mcpClient.count({ where }));
}

function sameStdio(a: z.output<typeof stdioShape>, b: unknown): boolean {
  const s = b as StdioConfig | null;
  if (!s || !a.command) return false;
  const x = stdioOf(a);
  return x.command === s.command && JSON.stringify(x.args) === JSON.stringify(s.args) && JSON.stringify(x.envs) === JSON.stringify(s.envs);
}

/**
 * Edits a client by name: `name` (rename), `headers` (replaces the map; redacted values keep the stored
 * ones) and `tools_to_execute`. The connection fields may be sent back only unchanged (Bifrost's rule).
 */
export async function updateMcpClient(ctx: RequestContext, name: string, input: unknown): Promise<McpClientRow> {
  const v = parseInput(updateMcpClientSchema, input);
  return audited(ctx, { action: "update", entity: "McpClient", id: name, idOf: (c: McpClientRow) => c.name }, async (tx) => {
      if (!(await lockRow(tx, "McpClient", safeArg(name, "MCP client name")))) throw new NotFoundError("MCP client");
      const current = await findClient(tx, name);
      const immutable = (field: string) => new ValidationError(`${field} cannot be changed for an existing MCP client`);
      if (v.connectionType !== undefined && v.connectionType !== current.connectionType) throw immutable("connection_type");
      if (v.connectionString !== undefined && (v.connectionString ?? null) !== current.connectionString) throw immutable("connection_string");
      if (v.stdioConfig !== undefined && (v.stdioConfig === null ? current.stdioConfig !== null : !sameStdio(v.stdioConfig, current.stdioConfig))) {
        throw immutable("stdio_config");
      }
      if (v.headers && current.connectionType === "stdio") throw new ValidationError("headers are only valid for http and sse connections");
      const headers = v.headers ? resolveHeaders(v.headers, (current.headers ?? {}) as Record<string, string>) : undefined;
      await tx.mcpClient.update({ where: { id: current.id }, data: { name: v.name, headers, toolsToExecute: v.toolsToExecute } });
      return findClient(tx, v.name ?? name);
    }).catch(rethrowUniqueName);
}

/** Deletes a client; the VK MCP configs that used it are deleted with it (FK cascade). */
export async function deleteMcpClient(ctx: RequestContext, name: string): Promise<void> {
  safeArg(name, "MCP client name");
  await audited(ctx, { action: "delete", entity: "McpClient", id: name }, async (tx) => {
    const { count } = await tx.mcpClient.deleteMany({ where: { name } });
    if (count === 0) throw new NotFoundError("MCP client");
  });
}
