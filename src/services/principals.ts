/**
 * Who is calling (authentication): the bootstrap credentials from the environment (ADMIN_TOKEN,
 * ADMIN_USERNAME/ADMIN_PASSWORD over HTTP Basic, GATEWAY_TOKEN) and management keys (`sk-gov-…`).
 * Secrets are compared in constant time (SHA-256 digests, crypto.timingSafeEqual). While no credential is
 * configured (no env credential, no active management key) only loopback callers are answered, as admin.
 * Repeated failures from one address are refused for a while (429 with Retry-After).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { LOCAL_PRINCIPAL, type AuthProblem, type Principal, type Role } from "../context.js";
import { TooManyAttemptsError } from "./access.js";
import { findManagementKey, hasActiveManagementKeys, hasManagementKeyPrefix, touchManagementKey } from "./management-keys.js";

export interface AuthSettings {
  ADMIN_TOKEN?: string | undefined;
  ADMIN_USERNAME?: string | undefined;
  ADMIN_PASSWORD?: string | undefined;
  GATEWAY_TOKEN?: string | undefined;
}

export interface Caller {
  /** The Authorization header, if any. */
  authorization: string | null | undefined;
  /** The peer's IP address; null for in-process calls (tests, commands), which count as loopback. */
  address: string | null;
  /** True when the request carries X-Forwarded-For or Forwarded: it came through a proxy, so not from loopback. */
  forwarded: boolean;
}

export interface Authentication {
  principal: Principal | null;
  problem: AuthProblem | null;
}

export const envCredentialsConfigured = (s: AuthSettings) => Boolean(s.ADMIN_TOKEN || s.GATEWAY_TOKEN || (s.ADMIN_USERNAME && s.ADMIN_PASSWORD));

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
/** Constant-time equality of two secrets (their digests have the same length whatever the inputs). */
export const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

export function isLoopback(address: string | null): boolean {
  if (address === null) return true;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

type Presented = { kind: "bearer"; token: string } | { kind: "basic"; user: string; password: string };

/** A Bearer token (a virtual key there is not a management credential) or Basic user:password. */
function presented(header: string | null | undefined): Presented | null {
  const h = header?.trim() ?? "";
  const bearer = /^Bearer\s+(\S.*)$/i.exec(h)?.[1]?.trim();
  if (bearer) return bearer.toLowerCase().startsWith("sk-bf-") ? null : { kind: "bearer", token: bearer };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h)?.[1];
  if (!basic) return null;
  const text = Buffer.from(basic, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? null : { kind: "basic", user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const envPrincipal = (id: string, role: Role): Principal => ({ id: `env:${id}`, name: id, role, customerId: null });

async function principalOf(p: Presented, s: AuthSettings, now: Date): Promise<Principal | null> {
  if (p.kind === "basic") {
    if (!s.ADMIN_USERNAME || !s.ADMIN_PASSWORD) return null;
    const user = sameSecret(p.user, s.ADMIN_USERNAME);
    const password = sameSecret(p.password, s.ADMIN_PASSWORD);
    return user && password ? envPrincipal("ADMIN_USERNAME", "admin") : null;
  }
  if (s.ADMIN_TOKEN && sameSecret(p.token, s.ADMIN_TOKEN)) return envPrincipal("ADMIN_TOKEN", "admin");
  if (s.GATEWAY_TOKEN && sameSecret(p.token, s.GATEWAY_TOKEN)) return envPrincipal("GATEWAY_TOKEN", "gateway");
  if (!hasManagementKeyPrefix(p.token)) return null;
  const key = await findManagementKey(p.token); // looked up by SHA-256: the index compares digests, not secrets
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
  await touchManagementKey(key.id, now);
  return { id: key.id, name: key.name, role: key.role as Role, customerId: key.customerId };
}

/** Failed attempts per address: after FAILURE_LIMIT within WINDOW_MS the address is refused until the window ends. */
const FAILURE_LIMIT = 10;
const WINDOW_MS = 60_000;
/** Bounded: the oldest entry goes first when full. */
const MAX_TRACKED = 10_000;
const failures = new Map<string, { since: number; count: number }>();

function checkThrottle(address: string, now: number): void {
  const f = failures.get(address);
  if (!f) return;
  if (now - f.since >= WINDOW_MS) failures.delete(address);
  else if (f.count >= FAILURE_LIMIT) throw new TooManyAttemptsError(Math.max(1, Math.ceil((f.since + WINDOW_MS - now) / 1000)));
}

function recordFailure(address: string, now: number): void {
  const f = failures.get(address);
  if (f && now - f.since < WINDOW_MS) {
    f.count++;
    return;
  }
  failures.delete(address);
  if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
  failures.set(address, { since: now, count: 1 });
}

/**
 * Authenticates a request. Throws TooManyAttemptsError for an address with too many recent failures. In-process
 * calls (address null) are never throttled, and count as loopback callers unless an env credential is configured.
 */
export async function authenticate(s: AuthSettings, caller: Caller, now: Date = new Date()): Promise<Authentication> {
  const address = caller.address;
  if (address !== null) checkThrottle(address, now.getTime());
  // In-process callers (tests, commands) are not network clients: the key table is not consulted for them.
  const configured = envCredentialsConfigured(s) || (address !== null && (await hasActiveManagementKeys(now)));
  if (!configured) {
    return isLoopback(address) && !caller.forwarded ? { principal: LOCAL_PRINCIPAL, problem: null } : { principal: null, problem: "loopback-only" };
  }
  const p = presented(caller.authorization);
  if (!p) return { principal: null, problem: "credentials-required" };
  const principal = await principalOf(p, s, now);
  if (principal) return { principal, problem: null };
  if (address !== null) recordFailure(address, now.getTime());
  return { principal: null, problem: "invalid-credential" };
}

/** For tests: forget every recorded failure. */
export function resetAuthFailures(): void {
  failures.clear();
}
