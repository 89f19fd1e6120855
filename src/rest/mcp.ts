/**
 * Bifrost's MCP client routes: GET /api/mcp/clients, POST /api/mcp/client, PUT/DELETE
 * /api/mcp/client/{name}. Writes answer `{status, message}` as Bifrost does, plus the client.
 */
import { createMcpClient, deleteMcpClient, listMcpClients, updateMcpClient } from "../services/mcp-clients.js";
import { listQuery } from "./query.js";
import { json, type Route } from "./http.js";
import { listEnvelope } from "./serialize.js";
import { mcpClient } from "./serialize-config.js";

const clientBody = { freeFormMaps: ["headers"] } as const;

export const mcpRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/mcp/clients",
    access: { action: "read", resource: "mcpClient" },
    handler: async ({ ctx, query }) => json(listEnvelope("clients", await listMcpClients(ctx, listQuery(query)), mcpClient)),
  },
  {
    method: "POST",
    path: "/api/mcp/client",
    access: { action: "create", resource: "mcpClient" },
    ...clientBody,
    handler: async ({ ctx, body }) => {
      const created = await createMcpClient(ctx, await body());
      return json({ status: "success", message: "MCP client created successfully", client: mcpClient(created) });
    },
  },
  {
    method: "PUT",
    path: "/api/mcp/client/:name",
    access: { action: "update", resource: "mcpClient" },
    ...clientBody,
    handler: async ({ ctx, params, body }) => {
      const updated = await updateMcpClient(ctx, params.name!, await body());
      return json({ status: "success", message: "MCP client edited successfully", client: mcpClient(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/mcp/client/:name",
    access: { action: "delete", resource: "mcpClient" },
    handler: async ({ ctx, params }) => {
      await deleteMcpClient(ctx, params.name!);
      return json({ status: "success", message: "MCP client removed successfully" });
    },
  },
];
