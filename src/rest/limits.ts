import { listBudgets, listRateLimits } from "../services/limit-reads.js";
import { fromMemory, listQuery, memoryMap } from "./query.js";
import { json, type Route } from "./http.js";
import { budget, listEnvelope, rateLimit } from "./serialize.js";

export const limitRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/budgets",
    access: { action: "read", resource: "limits" },
    handler: async ({ ctx, query }) => {
      const body = listEnvelope("budgets", await listBudgets(ctx, listQuery(query)), budget);
      return json(fromMemory(query) ? memoryMap(body, "budgets") : body);
    },
  },
  {
    method: "GET",
    path: "/api/governance/rate-limits",
    access: { action: "read", resource: "limits" },
    handler: async ({ ctx, query }) => {
      const body = listEnvelope("rate_limits", await listRateLimits(ctx, listQuery(query)), rateLimit);
      return json(fromMemory(query) ? memoryMap(body, "rate_limits") : body);
    },
  },
];
