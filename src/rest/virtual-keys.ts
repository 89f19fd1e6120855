import { createVirtualKey, getVirtualKey, listVirtualKeys } from "../services/virtual-keys.js";
import { listQuery } from "./query.js";
import { json, type Route } from "./router.js";
import { listEnvelope, virtualKey } from "./serialize.js";

export const virtualKeyRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/virtual-keys",
    handler: async ({ ctx, query }) => {
      const page = await listVirtualKeys(ctx, {
        ...listQuery(query),
        teamId: query.get("team_id") || undefined,
        customerId: query.get("customer_id") || undefined,
      });
      return json(listEnvelope("virtual_keys", page, (vk) => virtualKey(vk)));
    },
  },
  {
    method: "POST",
    path: "/api/governance/virtual-keys",
    handler: async ({ ctx, body }) => {
      const created = await createVirtualKey(ctx, await body());
      return json({ message: "Virtual key created successfully", virtual_key: virtualKey(created.key, created.value) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/virtual-keys/:id",
    handler: async ({ ctx, params }) => json({ virtual_key: virtualKey(await getVirtualKey(ctx, params.id!)) }),
  },
];
