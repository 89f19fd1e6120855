/**
 * Secret values sent by clients (provider key values, credential fields, MCP header values).
 * A secret is a raw value or an `env.NAME` reference. Reads never return raw values: they show the
 * redacted form `{"value":"","env_var":"env.NAME"|"","from_env":bool}`, and a client that sends that
 * form back unchanged (a read-modify-write) keeps the stored secret, as Bifrost's redacted merge does.
 * Error messages built here never contain a secret.
 */
import { z } from "zod";
import { fail } from "./validation.js";

const ENV_REF = /^env\.[A-Za-z_][A-Za-z0-9_]*$/;

export const isEnvRef = (v: string) => v.startsWith("env.");

/** A raw string, or the redacted object a read returned (camelCase after the router's key conversion). */
export const secretInput = z.union([
  z.string(),
  z.strictObject({ value: z.string().optional(), envVar: z.string().optional(), fromEnv: z.boolean().optional() }),
]);
export type SecretInput = z.output<typeof secretInput>;

/** The value to store, or `undefined` for "keep the stored one" (a redacted echo; callers reject ""). */
export function resolveSecret(s: SecretInput): string | undefined {
  if (typeof s === "string") return s === "" ? undefined : s;
  if (s.fromEnv && s.envVar) return s.envVar;
  return s.value ? s.value : undefined;
}

/** Rejects a malformed `env.` reference (the message names the field, never the value). */
export function checkSecret(ctx: z.core.$RefinementCtx, path: (string | number)[], s: SecretInput | undefined, field: string): void {
  const v = s === undefined ? undefined : resolveSecret(s);
  if (v !== undefined && isEnvRef(v) && !ENV_REF.test(v)) {
    fail(ctx, path, `invalid environment variable reference in ${field}: expected env.NAME`);
  }
}
