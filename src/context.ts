import { randomUUID } from "node:crypto";

export const ROLES = ["admin", "viewer", "customer-admin", "gateway"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a management key, an environment credential, or the loopback caller (no credentials set). */
export interface Principal {
  /** The management key's id, `env:ADMIN_TOKEN`, `env:ADMIN_USERNAME`, `env:GATEWAY_TOKEN` or `local`. */
  id: string;
  name: string;
  role: Role;
  /** Set for customer-admin only. */
  customerId: string | null;
}

/** The principal of loopback callers while no credential is configured (and of in-process calls). */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ id: "local", name: "local (no credentials configured)", role: "admin", customerId: null });

/**
 * Why a request has no principal: no credential while credentials are configured, a wrong/expired/revoked one,
 * or a remote caller while none is configured (only loopback callers are answered then).
 */
export type AuthProblem = "credentials-required" | "invalid-credential" | "loopback-only";

/** Per-request context: identity, request id and clock. A new object per request; never holds the db. */
export interface RequestContext {
  requestId: string;
  /** The clock every budget and window computation uses (tests may pin it). */
  now(): Date;
  /** The authenticated caller; null when there is none (then `authProblem` says why). */
  principal: Principal | null;
  authProblem: AuthProblem | null;
  /** The client's IP address (null for in-process calls). */
  clientAddress: string | null;
  /** Bifrost's is_vk_mandatory (config VK_MANDATORY): a check or record without a key is 401. */
  vkMandatory: boolean;
}

export interface ContextOptions {
  vkMandatory?: boolean;
  /** The id the HTTP edge chose for this request (src/rest/app.ts); else a sane `x-request-id` or a new UUID. */
  requestId?: string | undefined;
  /** Default: LOCAL_PRINCIPAL (in-process callers, e.g. tests and commands). */
  principal?: Principal | null;
  authProblem?: AuthProblem | null;
  clientAddress?: string | null;
}

export function createContext(request?: Request, options: ContextOptions = {}): RequestContext {
  const header = options.requestId ?? request?.headers.get("x-request-id");
  return {
    requestId: header && header.length <= 128 ? header : randomUUID(),
    now: () => new Date(),
    principal: options.principal === undefined ? LOCAL_PRINCIPAL : options.principal,
    authProblem: options.authProblem ?? null,
    clientAddress: options.clientAddress ?? null,
    vkMandatory: options.vkMandatory ?? false,
  };
}
