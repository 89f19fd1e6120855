import { builder } from "../builder.js";

builder.prismaObject("McpClient", {
  description: "An MCP server the gateway can call (connection details and headers are not exposed).",
  select: { id: true },
  fields: (t) => ({
    id: t.exposeInt("id"),
    name: t.exposeString("name"),
    connectionType: t.exposeString("connectionType"),
  }),
});

export const McpConfig = builder.prismaObject("McpConfig", {
  description: "Which tools of an MCP client a virtual key may execute.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    mcpClient: t.relation("mcpClient"),
    toolsToExecute: t.exposeStringList("toolsToExecute", { description: '["*"] = every tool, [] = none.' }),
  }),
});

export const McpConfigInput = builder.inputType("McpConfigInput", {
  fields: (t) => ({
    mcpClientName: t.string({ required: true }),
    toolsToExecute: t.stringList({ description: 'Defaults to ["*"] (every tool).' }),
  }),
});
