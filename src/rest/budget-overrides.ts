/** `PUT/DELETE /api/governance/virtual-keys/{vk_id}/budgets/{budget_id}/override` (spec §6). */
import { clearBudgetOverride, setBudgetOverride } from "../services/budget-overrides.js";
import type { Budget } from "../generated/prisma/client.js";
import { json, type Route } from "./http.js";
import { budget } from "./serialize.js";

/** Upstream's effective limit: the base plus the override while one is set (the base again after removal). */
const effectiveMaxLimit = (b: Budget) => Number((b.overrideAmount ? b.maxLimit.add(b.overrideAmount) : b.maxLimit).toString());

const path = "/api/governance/virtual-keys/:vk_id/budgets/:budget_id/override";

export const budgetOverrideRoutes: Route[] = [
  {
    method: "PUT",
    path,
    access: { action: "update", resource: "virtualKey" },
    handler: async ({ ctx, params, body }) => {
      const updated = await setBudgetOverride(ctx, params.vk_id!, params.budget_id!, await body());
      return json({ message: "Budget override updated successfully", budget: budget(updated), effective_max_limit: effectiveMaxLimit(updated) });
    },
  },
  {
    method: "DELETE",
    path,
    access: { action: "update", resource: "virtualKey" },
    handler: async ({ ctx, params }) => {
      const cleared = await clearBudgetOverride(ctx, params.vk_id!, params.budget_id!);
      return json({ message: "Budget override deleted successfully", budget: budget(cleared), effective_max_limit: effectiveMaxLimit(cleared) });
    },
  },
];
