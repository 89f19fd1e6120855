/**
 * GraphQL hardening (issue #9, src/graphql/armor.ts): documents are refused by size, tokens, aliases and directives
 * before they run; at most 20 checkAccess/recordUsage fields per operation (none of them reserves anything when
 * refused); the parse cache is bounded in characters; no field suggestions without introspection; malformed GET
 * parameters are 400, not 500.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { CharBoundedCache, MAX_ALIASES, MAX_DIRECTIVES, MAX_DOCUMENT_CHARS, MAX_ENFORCEMENT_FIELDS, MAX_TOKENS } from "../../src/graphql/armor.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { db } from "../../src/db/client.js";
import { app, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const handler = (env: Record<string, string>) => createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: "", ...env }), createLogger("silent"));
const checks = (n: number, model: string) =>
  `mutation { ${Array.from({ length: n }, (_, i) => `c${i}: checkAccess(input: { model: "${model}" }) { __typename }`).join(" ")} }`;

describe("document limits", () => {
  it(`refuses more than ${MAX_ENFORCEMENT_FIELDS} checkAccess/recordUsage fields in one operation, and reserves nothing`, async () => {
    const model = unique("armor-model");
    const refused = await executeRaw(checks(MAX_ENFORCEMENT_FIELDS + 1, model));
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toMatchObject([{ message: `At most ${MAX_ENFORCEMENT_FIELDS} checkAccess/recordUsage fields per operation (found ${MAX_ENFORCEMENT_FIELDS + 1}).`, extensions: { code: "TOO_MANY_ENFORCEMENT_FIELDS" } }]);
    expect(await db.reservation.count({ where: { model } })).toBe(0);
    const viaFragment = await executeRaw(`mutation { ...F ...F2 } fragment F on Mutation { ${checks(11, model).slice(11, -2)} } fragment F2 on Mutation { ${checks(10, model).slice(11, -2).replaceAll(": checkAccess", "x: checkAccess")} }`);
    expect(viaFragment.errors?.[0]?.extensions?.code).toBe("TOO_MANY_ENFORCEMENT_FIELDS");
    const allowed = await executeRaw(checks(MAX_ENFORCEMENT_FIELDS, model));
    expect(allowed.errors).toBeUndefined();
  });

  it(`refuses more than ${MAX_ALIASES} aliases and ${MAX_DIRECTIVES} directives`, async () => {
    const aliases = await executeRaw(`{ ${Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `a${i}: __typename`).join(" ")} }`);
    expect(aliases.errors?.[0]?.message).toMatch(/aliases/i);
    expect((await executeRaw(`{ ${Array.from({ length: MAX_ALIASES }, (_, i) => `a${i}: __typename`).join(" ")} }`)).errors).toBeUndefined();
    const directives = await executeRaw(`{ __typename ${"@skip(if: false) ".repeat(MAX_DIRECTIVES + 1)} }`);
    expect(directives.errors?.[0]?.message).toMatch(/directives/i);
  });

  it(`stops parsing past ${MAX_TOKENS} tokens and refuses documents over ${MAX_DOCUMENT_CHARS} characters`, async () => {
    const tokens = await executeRaw(`{ ${"__typename ".repeat(MAX_TOKENS)} }`);
    expect(tokens.errors?.[0]?.message).toBe(`Syntax Error: Token limit of ${MAX_TOKENS} exceeded.`);
    const deep = await executeRaw(`{ ${"{".repeat(100_000)} }`);
    expect(deep.errors?.[0]?.message).toMatch(/Syntax Error|too large/);
    const long = await executeRaw(`# ${"x".repeat(MAX_DOCUMENT_CHARS)}\n{ __typename }`);
    expect(long.errors).toMatchObject([{ message: `Document too large: at most ${MAX_DOCUMENT_CHARS} characters.`, extensions: { code: "DOCUMENT_TOO_LARGE" } }]);
  });
});

describe("parse cache", () => {
  it("is bounded by the characters of the documents it holds, and skips large documents", () => {
    const cache = new CharBoundedCache<number>(100, 40);
    for (let i = 0; i < 50; i++) cache.set(`${i}`.padEnd(30, "x"), i);
    expect(cache.size).toBe(3); // 3 × 30 ≤ 100
    expect(cache.get("49".padEnd(30, "x"))).toBe(49);
    expect(cache.get("0".padEnd(30, "x"))).toBeUndefined();
    cache.set("y".repeat(41), 1);
    expect(cache.get("y".repeat(41))).toBeUndefined();
  });
});

describe("field suggestions", () => {
  it("are given with introspection on and hidden with it off", async () => {
    const on = await executeRaw("{ custmers { totalCount } }");
    expect(on.errors?.[0]?.message).toContain("Did you mean");
    const yoga = handler({ GRAPHQL_INTROSPECTION: "false" });
    const off = await executeRaw("{ custmers { totalCount } }", undefined, { fetch: (r) => yoga.fetch(r) });
    expect(off.errors?.[0]?.message).toBeDefined();
    expect(off.errors?.[0]?.message).not.toContain("Did you mean");
    expect(off.errors?.[0]?.message).not.toContain("customers");
  });
});

describe("GET parameters", () => {
  it("malformed variables or extensions are 400, not 500", async () => {
    for (const q of ["query=%7B__typename%7D&variables=x", "query=%7B__typename%7D&extensions=%7B"]) {
      const res = await app.fetch(new Request(`http://test/graphql?${q}`, { headers: { accept: "application/json" } }));
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].message).toMatch(/^Invalid (variables|extensions): not valid JSON\.$/);
    }
  });
});
