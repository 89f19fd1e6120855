/** `/api/governance/providers` (spec §2.9): budgets and rate limits of whole providers. */
import { deleteProviderGovernance, listProviderGovernance, updateProviderGovernance } from "../services/provider-governance.js";
import { json, type Route } from "./http.js";
import { providerGovernance } from "./serialize-config.js";

export const providerGovernanceRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/providers",
    access: { action: "read", resource: "providerGovernance" },
    handler: async ({ ctx }) => {
      const providers = await listProviderGovernance(ctx);
      return json({ providers: providers.map(providerGovernance), count: providers.length });
    },
  },
  {
    method: "PUT",
    path: "/api/governance/providers/:name",
    access: { action: "update", resource: "providerGovernance" },
    handler: async ({ ctx, params, body }) => {
      const updated = await updateProviderGovernance(ctx, params.name!, await body());
      return json({ message: "Provider governance updated successfully", provider: providerGovernance(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/governance/providers/:name",
    access: { action: "delete", resource: "providerGovernance" },
    handler: async ({ ctx, params }) => {
      await deleteProviderGovernance(ctx, params.name!);
      return json({ message: "Provider governance deleted successfully" });
    },
  },
];
