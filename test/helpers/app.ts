/** The app under test, called in process through fetch (no ports), plus small REST helpers. */
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server.js";

export const config = loadConfig({ ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "" });
export const app = createApp(config, createLogger("silent"));

export interface RestResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Every response rest() saw in this test file (test/rest/openapi.test.ts validates them against /openapi.json). */
export const recorded: { method: string; path: string; status: number; body: unknown }[] = [];

/** Calls the REST API. `body` is JSON-encoded unless it is already a string (to send invalid JSON). */
export async function rest<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResult<T>> {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await app.fetch(new Request(`http://test${path}`, init));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* non-JSON body stays text */
  }
  recorded.push({ method, path, status: res.status, body: parsed });
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A unique name per call, so tests never collide (tests run in parallel and share a database). */
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
