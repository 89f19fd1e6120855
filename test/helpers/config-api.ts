/** Helpers for the gateway-configuration route tests (providers, keys, MCP clients, model configs). */
import { app, unique } from "./app.js";
import { normalize } from "./shape.js";

export const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });

/** Calls the REST API and returns the raw response text too (to prove what is never in it). */
export async function restText(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: any }> {
  const init: RequestInit = { method, headers: { "content-type": "application/json" } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await app.fetch(new Request(`http://test${path}`, init));
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
}

/** MCP client names may not contain hyphens (Bifrost's rule). */
export const mcpName = () => unique("mcp").replace(/-/g, "_");

/** A unique provider name (tests share one PostgreSQL database). */
export const providerName = () => unique("prov");

/** normalize() after replacing run-specific strings (unique names) with fixed placeholders. */
export function stable(body: unknown, names: Record<string, string>): unknown {
  let text = JSON.stringify(body);
  for (const [value, placeholder] of Object.entries(names)) text = text.split(value).join(placeholder);
  return normalize(JSON.parse(text));
}
