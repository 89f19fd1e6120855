/** `PUT/DELETE /api/governance/virtual-keys/{vk_id}/budgets/{budget_id}/override` (spec §6). */
import { clearBudgetOverride, setBudgetOverride } from "../services/budget-overrides.js";
import { json, type Route } from "./http.js";
import { budget } from "./serialize.js";

const path = "/api/governance/virtual-keys/:vk_id/budgets/:budget_id/override";

export const budgetOverrideRoutes: Route[] = [
  {
    method: "PUT",
    path,
    handler: async ({ ctx, params, body }) => {
      const updated = await setBudgetOverride(ctx, params.vk_id!, params.budget_id!, await body());
      return json({ message: "Budget override updated successfully", budget: budget(updated) });
    },
  },
  {
    method: "DELETE",
    path,
    handler: async ({ ctx, params }) => {
      const cleared = await clearBudgetOverride(ctx, params.vk_id!, params.budget_id!);
      return json({ message: "Budget override deleted successfully", budget: budget(cleared) });
    },
  },
];
