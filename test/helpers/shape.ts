/**
 * Compares a response with a seed document field by field: every key the seed shows must be present
 * with the same JSON type (seed placeholders "<unknown>"/"<array>" match anything). Paths use `[]` for
 * array items. `allowed` lists documented deviations (path → reason); they are skipped, never silent:
 * the test asserts each one is still needed.
 */
export type Deviations = Record<string, string>;

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

export function shapeMismatches(seed: unknown, ours: unknown, allowed: Deviations, used: Set<string>, path = "$"): string[] {
  if (path in allowed) {
    used.add(path);
    return [];
  }
  if (seed === "<unknown>" || seed === "<array>") return [];
  const st = typeOf(seed);
  const ot = typeOf(ours);
  if (st !== ot) return [`${path}: seed has ${st}, response has ${ot}`];
  if (st === "array") {
    const [first] = seed as unknown[];
    if (first === undefined) return [];
    const items = ours as unknown[];
    if (items.length === 0) return [`${path}: empty in response, cannot compare items (create data for it)`];
    return items.flatMap((item) => shapeMismatches(first, item, allowed, used, `${path}[]`));
  }
  if (st === "object") {
    const o = ours as Record<string, unknown>;
    return Object.entries(seed as Record<string, unknown>).flatMap(([k, v]) => {
      const p = `${path}.${k}`;
      if (!(k in o)) {
        if (p in allowed) {
          used.add(p);
          return [];
        }
        return [`${p}: missing in response`];
      }
      return shapeMismatches(v, o[k], allowed, used, p);
    });
  }
  return [];
}

/** Replaces ids, timestamps and key values with placeholders so a response can be compared with a golden file. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeField(k, v)]));
  }
  return value;
}

function normalizeField(key: string, v: unknown): unknown {
  if (typeof v === "string") {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v)) return "<uuid>";
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)) return "<timestamp>";
    if (/^sk-bf-[0-9a-f-]{36}$/.test(v)) return "<sk-bf-full>";
    if (/^sk-bf-[0-9a-f]{4}…[0-9a-f]{4}$/.test(v)) return "<sk-bf-masked>";
    if (key === "name" || key === "mcp_client_name") return v.replace(/-\d+-[0-9a-z]+-[0-9a-z]+$/, "-<n>");
  }
  if (typeof v === "number" && (key === "id" || key === "mcp_client_id") && Number.isInteger(v)) return "<int>";
  return normalize(v);
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const goldenDir = path.resolve(import.meta.dirname, "../fixtures/rest");

/**
 * The normalized response must equal the recorded golden file test/fixtures/rest/<name>.json.
 * Record or re-record deliberately with UPDATE_GOLDEN=1 and review the diff; a missing file fails.
 */
export function readGolden(name: string, body: unknown): unknown {
  const file = path.join(goldenDir, `${name}.json`);
  const normalized = normalize(body);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, `${JSON.stringify(normalized, null, 2)}\n`);
  if (!existsSync(file)) throw new Error(`golden file missing: ${file} (run with UPDATE_GOLDEN=1 once, then review it)`);
  return JSON.parse(readFileSync(file, "utf8"));
}
