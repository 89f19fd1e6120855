import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from "../services/teams.js";
import { fromMemory, listQuery, memoryMap } from "./query.js";
import { json, type Route } from "./http.js";
import { listEnvelope, team } from "./serialize.js";

export const teamRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/teams",
    access: { action: "read", resource: "team" },
    handler: async ({ ctx, query }) => {
      const page = await listTeams(ctx, { ...listQuery(query), customerId: query.get("customer_id") || undefined });
      const body = listEnvelope("teams", page, team);
      return json(fromMemory(query) ? memoryMap(body, "teams") : body);
    },
  },
  {
    method: "POST",
    path: "/api/governance/teams",
    access: { action: "create", resource: "team" },
    handler: async ({ ctx, body }) => {
      const created = await createTeam(ctx, await body());
      return json({ message: "Team created successfully", team: team(created) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/teams/:id",
    access: { action: "read", resource: "team" },
    handler: async ({ ctx, params }) => json({ team: team(await getTeam(ctx, params.id!)) }),
  },
  {
    method: "PUT",
    path: "/api/governance/teams/:id",
    access: { action: "update", resource: "team" },
    handler: async ({ ctx, params, body }) => {
      const updated = await updateTeam(ctx, params.id!, await body());
      return json({ message: "Team updated successfully", team: team(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/governance/teams/:id",
    access: { action: "delete", resource: "team" },
    handler: async ({ ctx, params }) => {
      await deleteTeam(ctx, params.id!);
      return json({ message: "Team deleted successfully" });
    },
  },
];
