/**
 * Bifrost's `/api/providers` (the parts governance needs): providers and their keys. Bodies are bare
 * objects as in Bifrost (no `message` envelope), except DELETE provider. Secrets are never returned.
 */
import { createProviderKey, deleteProviderKey, getProviderKey, listProviderKeys, updateProviderKey } from "../services/provider-keys.js";
import { createProvider, deleteProvider, getProvider, listProviders } from "../services/providers.js";
import { json, type Route } from "./http.js";
import { provider, providerKeyDetail } from "./serialize-config.js";

const keyBody = { freeFormMaps: ["deployments"] } as const;

export const providerRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/providers",
    access: { action: "read", resource: "provider" },
    handler: async ({ ctx }) => {
      const providers = await listProviders(ctx);
      return json({ providers: providers.map(provider), total: providers.length });
    },
  },
  {
    method: "POST",
    path: "/api/providers",
    access: { action: "create", resource: "provider" },
    handler: async ({ ctx, body }) => json(provider(await createProvider(ctx, await body()))),
  },
  {
    method: "GET",
    path: "/api/providers/:provider",
    access: { action: "read", resource: "provider" },
    handler: async ({ ctx, params }) => json(provider(await getProvider(ctx, params.provider!))),
  },
  {
    method: "DELETE",
    path: "/api/providers/:provider",
    access: { action: "delete", resource: "provider" },
    handler: async ({ ctx, params }) => {
      await deleteProvider(ctx, params.provider!);
      return json({ message: "Provider deleted successfully", name: params.provider });
    },
  },
  {
    method: "GET",
    path: "/api/providers/:provider/keys",
    access: { action: "read", resource: "providerKey" },
    handler: async ({ ctx, params }) => {
      const keys = await listProviderKeys(ctx, params.provider!);
      return json({ keys: keys.map(providerKeyDetail), total: keys.length });
    },
  },
  {
    method: "POST",
    path: "/api/providers/:provider/keys",
    access: { action: "create", resource: "providerKey" },
    ...keyBody,
    handler: async ({ ctx, params, body }) => json(providerKeyDetail(await createProviderKey(ctx, params.provider!, await body()))),
  },
  {
    method: "GET",
    path: "/api/providers/:provider/keys/:key_id",
    access: { action: "read", resource: "providerKey" },
    handler: async ({ ctx, params }) => json(providerKeyDetail(await getProviderKey(ctx, params.provider!, params.key_id!))),
  },
  {
    method: "PUT",
    path: "/api/providers/:provider/keys/:key_id",
    access: { action: "update", resource: "providerKey" },
    ...keyBody,
    handler: async ({ ctx, params, body }) =>
      json(providerKeyDetail(await updateProviderKey(ctx, params.provider!, params.key_id!, await body()))),
  },
  {
    method: "DELETE",
    path: "/api/providers/:provider/keys/:key_id",
    access: { action: "delete", resource: "providerKey" },
    handler: async ({ ctx, params }) => json(providerKeyDetail(await deleteProviderKey(ctx, params.provider!, params.key_id!))),
  },
];
