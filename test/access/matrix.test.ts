/**
 * The authorization matrix: every REST route registered on the Hono app and every GraphQL root field of the
 * schema × {no credential, viewer, customer-admin of the owner, customer-admin of another customer, gateway, admin,
 * expired key, revoked key} → the expected status. Generated from one table per surface: a route or root field
 * without an entry fails the test. GraphQL outcomes: 401/403 = UNAUTHENTICATED/FORBIDDEN (top-level or typed),
 * 404 = NOT_FOUND or null, 200 = anything else (the caller got past authorization).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, buildWorld, call, PRINCIPALS, type World, revokeAllKeys } from "./fixtures.js";
import { EXPECTED, GRAPHQL, gqlStatus, operation, REST, registeredRoutes, rootFields, type Status } from "./tables.js";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});
afterAll(revokeAllKeys);

describe("authorization matrix: REST", () => {
  const routes = registeredRoutes();

  it("has an entry for every registered route, and no entry for a route that does not exist", () => {
    expect(routes.filter((r) => !REST[r])).toEqual([]);
    expect(Object.keys(REST).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it.each(routes)("%s", async (route) => {
    const entry = REST[route];
    if (!entry) throw new Error(`no matrix entry for ${route}`);
    const method = route.split(" ")[0]!;
    const results: Record<string, Status> = {};
    for (const p of PRINCIPALS) {
      const r = await entry.req(world);
      const res = await call(method, r.path, r.body ?? (method === "POST" || method === "PUT" ? {} : undefined), { headers: { ...r.headers, ...bearer(world.tokens[p]) } });
      results[p] = (res.status === 201 ? 200 : res.status) as Status; // a create may answer 201
      if (results[p] !== EXPECTED[entry.kind][p]) results[`${p} body`] = JSON.stringify(res.body).slice(0, 300) as never;
      if (res.status >= 400) expect(res.body).toMatchObject({ is_bifrost_error: false, status_code: res.status, error: { message: expect.any(String) } });
      if (entry.kind === "ownedList" && p === "customerAdminOther") {
        const text = JSON.stringify(res.body);
        for (const id of [world.customerA, world.teamA, world.vkA, world.budgetA]) expect(text).not.toContain(id);
      }
    }
    expect(results).toEqual(EXPECTED[entry.kind]);
  });
});

describe("authorization matrix: GraphQL root fields", () => {
  const fields = rootFields();

  it("has an entry for every root field, and no entry for a field that does not exist", () => {
    expect(fields.filter((f) => !GRAPHQL[f])).toEqual([]);
    expect(Object.keys(GRAPHQL).filter((f) => !fields.includes(f))).toEqual([]);
  });

  it.each(fields)("%s", async (key) => {
    const entry = GRAPHQL[key];
    if (!entry) throw new Error(`no matrix entry for ${key}`);
    const results: Record<string, Status> = {};
    for (const p of PRINCIPALS) {
      const op = operation(key, (await entry.args?.(world)) ?? {});
      const res = await call("POST", "/graphql", op, { headers: bearer(world.tokens[p]) });
      results[p] = gqlStatus(res.body);
      if (results[p] !== EXPECTED[entry.kind][p]) results[`${p} body`] = JSON.stringify(res.body).slice(0, 300) as never;
    }
    expect(results).toEqual(EXPECTED[entry.kind]);
  });
});

export const MATRIX_SIZE = { rest: Object.keys(REST).length, graphql: Object.keys(GRAPHQL).length, principals: PRINCIPALS.length };
