/**
 * Writes src/rest/openapi-examples.ts from the golden responses (test/fixtures/rest), placeholders filled in:
 *   npx tsx test/helpers/openapi-examples.ts
 * test/rest/openapi.test.ts fails while the committed file differs from what this produces.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
export const examplesFile = path.join(root, "src/rest/openapi-examples.ts");

export function examplesSource(): string {
  let n = 0;
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (v === "<uuid>") return `3f2b8c1e-6a4d-4c2e-9b1a-${String(100000000000 + n++).slice(-12)}`;
      if (v === "<timestamp>") return "2026-11-30T02:00:00.000Z";
      if (v === "<int>") return 1;
      return v.replace(/<n>/g, "1").replace(/<key>/g, "sk-bf-00000000-0000-0000-0000-000000000000").replace(/<[a-z_]+>/g, "example");
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const dir = path.join(root, "test/fixtures/rest");
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) out[f.slice(0, -5)] = fill(JSON.parse(readFileSync(path.join(dir, f), "utf8")));
  return `/**
 * Response examples for the OpenAPI document (src/rest/openapi.ts): the recorded golden responses of
 * test/fixtures/rest, placeholders filled in. Generated: npx tsx test/helpers/openapi-examples.ts
 */
export const examples: Record<string, unknown> = ${JSON.stringify(out, null, 2)};
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) writeFileSync(examplesFile, examplesSource());
