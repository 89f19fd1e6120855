/**
 * The one authorization rule, used by REST (src/rest/app.ts, per route) and GraphQL (plugin-scope-auth, per
 * root field), and by the services for per-customer checks. Roles:
 * - admin: everything;
 * - viewer: every read except the management keys; no writes;
 * - customer-admin: its own customer (read, update), that customer's teams and virtual keys (everything),
 *   the budgets and rate limits lists (filtered to them); another customer's rows answer 404 as if absent;
 * - gateway: only enforcement (`/check`, `/usage`, `checkAccess`, `recordUsage`).
 * Without any credential configured the loopback caller acts as admin (principal "local").
 */
import { ROLES, type AuthProblem, type Principal, type RequestContext, type Role } from "../context.js";

export { LOCAL_PRINCIPAL, ROLES, type AuthProblem, type Principal, type Role } from "../context.js";
import { DomainError, NotFoundError, type EntityName } from "./errors.js";

export type Action = "read" | "create" | "update" | "delete" | "lookup";
export type ResourceType =
  | "customer"
  | "team"
  | "virtualKey"
  | "limits"
  | "provider"
  | "providerKey"
  | "mcpClient"
  | "modelConfig"
  | "providerGovernance"
  | "enforcement"
  | "managementKey"
  | "audit"
  | "metrics"
  | "pricing"
  | "governanceIo";

export interface Resource {
  type: ResourceType;
  /** The customer the addressed row belongs to (null: none); omitted for a check on the kind of resource. */
  customerId?: string | null;
}

/** No (valid) credential: HTTP 401. */
export class UnauthenticatedError extends DomainError {
  constructor(message = "Authentication required: send Authorization: Bearer <management key>") {
    super("UNAUTHENTICATED", message);
  }
}

/** A credential whose role may not do this: HTTP 403. */
export class ForbiddenError extends DomainError {
  constructor(message = "Forbidden: this credential's role may not do this") {
    super("FORBIDDEN", message);
  }
}

/** Too many failed authentications from one address: HTTP 429 with Retry-After. */
export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("TOO_MANY_ATTEMPTS", `Too many failed authentication attempts: retry in ${retryAfterSeconds} s`);
  }
}

const LOOPBACK_ONLY =
  "No credentials are configured, so this server answers only loopback clients. Fix: set ADMIN_TOKEN (or create a management key from the server itself)";

const customerScoped = new Set<ResourceType>(["customer", "team", "virtualKey", "limits"]);

function allowed(p: Principal, action: Action, type: ResourceType): boolean {
  switch (p.role) {
    case "admin":
      return true;
    case "viewer":
      return action === "read" && type !== "managementKey" && type !== "governanceIo";
    case "gateway":
      return type === "enforcement";
    case "customer-admin":
      if (!customerScoped.has(type) || action === "lookup") return false;
      if (type === "limits") return action === "read";
      if (type === "customer") return action === "read" || action === "update";
      return true;
  }
}

/** The roles that may do `action` on resources of `type` (for documentation: OpenAPI, README). */
export function rolesAllowed(action: Action, type: ResourceType): Role[] {
  return ROLES.filter((role) => allowed({ id: "", name: "", role, customerId: null }, action, type));
}

const entityOf: Partial<Record<ResourceType, EntityName>> = { customer: "Customer", team: "Team", virtualKey: "Virtual key" };

/**
 * Throws unless `principal` may do `action` on `resource`: 401 (UnauthenticatedError) without a principal,
 * 403 (ForbiddenError) for a role that may not, 404 (NotFoundError) for a customer-admin addressing a row of
 * another customer (as if it did not exist).
 */
export function authorize(principal: Principal | null, action: Action, resource: Resource, problem: AuthProblem = "credentials-required"): void {
  if (!principal) {
    if (problem === "loopback-only") throw new ForbiddenError(LOOPBACK_ONLY);
    throw new UnauthenticatedError(problem === "invalid-credential" ? "Invalid, expired or revoked credential" : undefined);
  }
  if (!allowed(principal, action, resource.type)) throw new ForbiddenError();
  if (principal.role === "customer-admin" && resource.customerId !== undefined && resource.customerId !== principal.customerId) {
    throw new NotFoundError(entityOf[resource.type] ?? "Customer");
  }
}

/** `authorize` with the request's principal. */
export function authorizeCtx(ctx: RequestContext, action: Action, resource: Resource): void {
  authorize(ctx.principal, action, resource, ctx.authProblem ?? undefined);
}

/** True when the request's principal may do this (no throw); GraphQL scope checks use it. */
export function can(ctx: RequestContext, action: Action, type: ResourceType): boolean {
  try {
    authorizeCtx(ctx, action, { type });
    return true;
  } catch {
    return false;
  }
}

/** The customer every row must belong to for this caller (customer-admin), or undefined (no restriction). */
export function customerScope(ctx: RequestContext): string | undefined {
  return ctx.principal?.role === "customer-admin" ? (ctx.principal.customerId ?? undefined) : undefined;
}

/** Prisma where clauses restricting rows to the caller's customer (empty for other roles). */
export const scopeWhere = {
  customer: (ctx: RequestContext) => (customerScope(ctx) ? { id: customerScope(ctx)! } : {}),
  team: (ctx: RequestContext) => (customerScope(ctx) ? { customerId: customerScope(ctx)! } : {}),
  virtualKey: (ctx: RequestContext) => {
    const c = customerScope(ctx);
    return c ? { OR: [{ customerId: c }, { team: { customerId: c } }] } : {};
  },
};
