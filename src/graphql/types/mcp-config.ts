import { db } from "../../db/client.js";
import { listOrder } from "../../services/pagination.js";
import { builder } from "../builder.js";
import { unsafeReason } from "../../services/text.js";
import { noRow } from "../ids.js";

interface Stdio {
  command: string;
  args: string[];
  envs: string[];
}

const StdioConfig = builder.objectRef<Stdio>("StdioConfig").implement({
  description: "How a stdio MCP server is started (env var names only).",
  fields: (t) => ({ command: t.exposeString("command"), args: t.exposeStringList("args"), envs: t.exposeStringList("envs") }),
});

export const McpClient = builder.prismaObject("McpClient", {
  description: "An MCP server the gateway can call. Header values are secrets: only their names are exposed.",
  select: { id: true },
  fields: (t) => ({
    id: t.exposeInt("id"),
    name: t.exposeString("name"),
    connectionType: t.exposeString("connectionType", { description: "http, sse or stdio." }),
    connectionString: t.exposeString("connectionString", { nullable: true, description: "URL or env reference (http/sse)." }),
    stdioConfig: t.field({
      type: StdioConfig,
      nullable: true,
      select: { stdioConfig: true },
      resolve: (c) => (c.stdioConfig as Stdio | null) ?? null,
    }),
    headerNames: t.stringList({
      select: { headers: true },
      resolve: (c) => Object.keys((c.headers ?? {}) as Record<string, string>).sort(),
    }),
    toolsToExecute: t.exposeStringList("toolsToExecute", { description: '["*"] = every tool, [] = none.' }),
    configs: t.relation("configs", {
      description: "The virtual keys' MCP configs that use this client (not for a customer-admin: they span customers).",
      query: { orderBy: { id: "asc" } },
      authScopes: { can: "read:mcpClient" },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const McpConfig = builder.prismaObject("McpConfig", {
  description: "Which tools of an MCP client a virtual key may execute.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    mcpClient: t.relation("mcpClient"),
    virtualKey: t.relation("virtualKey"),
    toolsToExecute: t.exposeStringList("toolsToExecute", { description: '["*"] = every tool, [] = none.' }),
  }),
});

export const McpConfigInput = builder.inputType("McpConfigInput", {
  fields: (t) => ({
    mcpClientName: t.string({ required: true }),
    toolsToExecute: t.stringList({ description: 'Defaults to ["*"] (every tool).' }),
  }),
});

builder.queryFields((t) => ({
  mcpClient: t.prismaField({
    authScopes: { can: "read:mcpClient" },
    type: "McpClient",
    nullable: true,
    description: "An MCP client by name.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, { name }) => (unsafeReason(name) ? noRow(query) : db.mcpClient.findUnique({ ...query, where: { name } })),
  }),
  mcpClients: t.prismaField({
    authScopes: { can: "read:mcpClient" },
    type: ["McpClient"],
    description: "Every MCP client, oldest first.",
    resolve: (query) => db.mcpClient.findMany({ ...query, orderBy: listOrder }),
  }),
}));
