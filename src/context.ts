import { randomUUID } from "node:crypto";

/** Per-request context: identity, request id and clock. A new object per request; never holds the db. */
export interface RequestContext {
  requestId: string;
  /** The clock every budget and window computation uses (tests may pin it). */
  now(): Date;
  /** True when the caller presented the admin token (or none is configured). */
  isAdmin: boolean;
  /** Bifrost's is_vk_mandatory (config VK_MANDATORY): a check or record without a key is 401. */
  vkMandatory: boolean;
}

export interface ContextOptions {
  adminToken?: string | undefined;
  vkMandatory?: boolean;
  /** The id the HTTP edge chose for this request (src/rest/app.ts); else a sane `x-request-id` or a new UUID. */
  requestId?: string | undefined;
}

export function createContext(request?: Request, options: ContextOptions = {}): RequestContext {
  const header = options.requestId ?? request?.headers.get("x-request-id");
  const auth = request?.headers.get("authorization") ?? "";
  return {
    requestId: header && header.length <= 128 ? header : randomUUID(),
    now: () => new Date(),
    isAdmin: !options.adminToken || auth === `Bearer ${options.adminToken}`,
    vkMandatory: options.vkMandatory ?? false,
  };
}
