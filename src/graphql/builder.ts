import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { RequestContext } from "../context.js";
import { db } from "../db/client.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { authorizeCtx, type Action, type ResourceType } from "../services/access.js";
import { DomainError } from "../services/errors.js";
import { fieldComplexity } from "./complexity.js";
import { decodeGlobalId } from "./ids.js";

/** A permission as root fields name it: `<action>:<resource>` (services/access.ts decides). */
export type Permission = `${Action}:${ResourceType}`;

export const builder = new SchemaBuilder<{
  Context: RequestContext;
  AuthScopes: { can: Permission; public: boolean };
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ErrorsPlugin, ScopeAuthPlugin, ComplexityPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  // Every root field names its permission (`authScopes: { can: "read:customer" }`); the decision is the services'
  // authorize(), which throws the error to report (401 UNAUTHENTICATED, 403 FORBIDDEN): it propagates as is.
  scopeAuth: {
    authScopes: (ctx) => ({
      can: (permission: Permission) => {
        const [action, resource] = permission.split(":") as [Action, ResourceType];
        authorizeCtx(ctx, action, { type: resource });
        return true;
      },
      public: true,
    }),
  },
  defaultFieldNullability: false,
  errors: { defaultTypes: [DomainError] },
  // Costs only; the limits are enforced per request by the validation rule in yoga.ts (config-driven).
  complexity: { fieldComplexity },
  prisma: {
    // `db` is an ESM live binding assigned by openDatabase(); read it per request, never at import.
    client: () => db,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "error",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    // Any entity by global id: admin and viewer (a customer-admin reads through its scoped fields).
    nodeQueryOptions: { authScopes: { can: "read:provider" } },
    nodesQueryOptions: { authScopes: { can: "read:provider" } },
    decodeGlobalID: decodeGlobalId,
  },
});

builder.queryType({});
builder.mutationType({});

builder.scalarType("DateTime", {
  description: "An instant in time, serialized as an ISO-8601 string in UTC.",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime must be an ISO-8601 string");
    return date;
  },
});
