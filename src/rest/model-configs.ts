/** `/api/governance/model-configs` (spec §2.9). `from_memory=true` is served from the database, same shape. */
import { createModelConfig, deleteModelConfig, getModelConfig, listModelConfigs, updateModelConfig } from "../services/model-configs.js";
import { listQuery } from "./query.js";
import { json, type Route } from "./http.js";
import { listEnvelope } from "./serialize.js";
import { modelConfig } from "./serialize-config.js";

export const modelConfigRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/model-configs",
    access: { action: "read", resource: "modelConfig" },
    handler: async ({ ctx, query }) => json(listEnvelope("model_configs", await listModelConfigs(ctx, listQuery(query)), modelConfig)),
  },
  {
    method: "POST",
    path: "/api/governance/model-configs",
    access: { action: "create", resource: "modelConfig" },
    handler: async ({ ctx, body }) => {
      const created = await createModelConfig(ctx, await body());
      return json({ message: "Model config created successfully", model_config: modelConfig(created) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/model-configs/:id",
    access: { action: "read", resource: "modelConfig" },
    handler: async ({ ctx, params }) => json({ model_config: modelConfig(await getModelConfig(ctx, params.id!)) }),
  },
  {
    method: "PUT",
    path: "/api/governance/model-configs/:id",
    access: { action: "update", resource: "modelConfig" },
    handler: async ({ ctx, params, body }) => {
      const updated = await updateModelConfig(ctx, params.id!, await body());
      return json({ message: "Model config updated successfully", model_config: modelConfig(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/governance/model-configs/:id",
    access: { action: "delete", resource: "modelConfig" },
    handler: async ({ ctx, params }) => {
      await deleteModelConfig(ctx, params.id!);
      return json({ message: "Model config deleted successfully" });
    },
  },
];
