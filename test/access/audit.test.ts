/**
 * The audit log: every write from REST and GraphQL records exactly one event in its transaction, naming the
 * caller (key id and name, never its value), the entity, the changed fields (secrets redacted), the request id
 * and the client address; a failed write records none; the table refuses UPDATE and DELETE except the purge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { purgeAuditEvents } from "../../src/services/audit.js";
import { unique } from "../helpers/app.js";
import { bearer, buildWorld, call, type World, revokeAllKeys } from "./fixtures.js";
import { GRAPHQL, operation, REST } from "./tables.js";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});
afterAll(revokeAllKeys);

/** Every secret value the fixtures and tables send, plus every credential. */
const secrets = () => ["sk-acl-provider-secret", "sk-acl-new", "sk-acl-x", "sk-acl-g", "Bearer hidden-header", world.vkAValue, ...Object.values(world.tokens).filter(Boolean)] as string[];

async function eventsOf(requestId: string) {
  return db.auditEvent.findMany({ where: { requestId } });
}

function expectNoSecret(value: unknown) {
  const text = JSON.stringify(value);
  for (const s of secrets()) expect(text).not.toContain(s);
  expect(text).not.toMatch(/sk-bf-[0-9a-f]{8}-/); // no full virtual key value (masked forms are sk-bf-xxxx…yyyy)
}

/** The matrix imports are dry runs (they record nothing, by design): a real import is tested below. */
const DRY_RUNS = new Set(["POST /api/governance/import", "Mutation.importGovernance"]);
const restWrites = Object.entries(REST).filter(([route, e]) => !route.startsWith("GET ") && e.kind !== "enforcement" && !DRY_RUNS.has(route));
const graphqlWrites = Object.entries(GRAPHQL).filter(([field, e]) => field.startsWith("Mutation.") && e.kind !== "enforcement" && !DRY_RUNS.has(field));

describe("one audit event per write", () => {
  it.each(restWrites)("REST %s", async (route, entry) => {
    const method = route.split(" ")[0]!;
    const r = await entry.req(world);
    const requestId = unique("audit");
    const res = await call(method, r.path, r.body ?? (method === "DELETE" ? undefined : {}), {
      headers: { ...r.headers, ...bearer(world.tokens.admin), "x-request-id": requestId },
      address: "203.0.113.7",
    });
    expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
    const events = await eventsOf(requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ principalId: world.adminKeyId, principalRole: "admin", clientAddress: "203.0.113.7", requestId });
    expect(events[0]!.principalName).toMatch(/^acl-admin-/);
    expectNoSecret(events[0]);
  });

  it.each(graphqlWrites)("GraphQL %s", async (field, entry) => {
    const requestId = unique("audit");
    const op = operation(field, (await entry.args?.(world)) ?? {});
    const res = await call("POST", "/graphql", op, { headers: { ...bearer(world.tokens.admin), "x-request-id": requestId } });
    expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
    expect(res.body.data.result.code, JSON.stringify(res.body)).toBeUndefined();
    const events = await eventsOf(requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ principalId: world.adminKeyId, requestId });
    expectNoSecret(events[0]);
  });

  it("a governance import records one event; a dry run none", async () => {
    const real = unique("audit");
    const dry = unique("audit");
    const headers = (id: string) => ({ headers: { ...bearer(world.tokens.admin), "x-request-id": id } });
    expect((await call("POST", "/api/governance/import", { governance: {} }, headers(real))).status).toBe(200);
    expect((await call("POST", "/api/governance/import?dry_run=true", { governance: {} }, headers(dry))).status).toBe(200);
    const events = await eventsOf(real);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "import", entityType: "Governance", principalId: world.adminKeyId });
    expect(await eventsOf(dry)).toEqual([]);
  });

  it("a write that fails records nothing", async () => {
    const requestId = unique("audit");
    const res = await call("PUT", "/api/governance/customers/00000000-0000-4000-8000-000000000000", { name: "x" }, { headers: { ...bearer(world.tokens.admin), "x-request-id": requestId } });
    expect(res.status).toBe(404);
    const denied = unique("audit");
    expect((await call("DELETE", `/api/governance/teams/${world.teamA}`, undefined, { headers: { ...bearer(world.tokens.viewer), "x-request-id": denied } })).status).toBe(403);
    expect(await eventsOf(requestId)).toEqual([]);
    expect(await eventsOf(denied)).toEqual([]);
  });
});

describe("the diff", () => {
  const as = (requestId: string) => ({ headers: { ...bearer(world.tokens.admin), "x-request-id": requestId } });

  it("names exactly the changed fields, before and after", async () => {
    const before = (await call("GET", `/api/governance/customers/${world.customerA}`, undefined, as(unique("r")))).body.customer.name;
    const after = unique("acl-renamed");
    const requestId = unique("audit");
    expect((await call("PUT", `/api/governance/customers/${world.customerA}`, { name: after }, as(requestId))).status).toBe(200);
    const [event] = await eventsOf(requestId);
    expect(event).toMatchObject({ action: "update", entityType: "Customer", entityId: world.customerA });
    expect(event!.changes).toEqual({ name: { before, after } });
  });

  it("shows a changed provider key value as redacted on both sides, an env reference as itself", async () => {
    const requestId = unique("audit");
    const path = `/api/providers/${world.provider}/keys/${world.providerKey}`;
    expect((await call("PUT", path, { value: "sk-acl-new" }, as(requestId))).status).toBe(200);
    const [event] = await eventsOf(requestId);
    expect(event!.changes).toEqual({ value: { before: "[redacted]", after: "[redacted]" } });
    const toEnv = unique("audit");
    expect((await call("PUT", path, { value: "env.ACL_PROVIDER_KEY" }, as(toEnv))).status).toBe(200);
    expect((await eventsOf(toEnv))[0]!.changes).toEqual({ value: { before: "[redacted]", after: "env.ACL_PROVIDER_KEY" } });
    expect((await call("PUT", path, { value: "sk-acl-provider-secret" }, as(unique("r")))).status).toBe(200);
  });

  it("redacts MCP header values and names a rotation without the new value", async () => {
    const name = unique("auditmcp").replace(/-/g, "_");
    const created = unique("audit");
    const body = { name, connection_type: "http", connection_string: "https://tools.example/mcp", headers: { Authorization: "Bearer hidden-header" } };
    expect((await call("POST", "/api/mcp/client", body, as(created))).status).toBe(200);
    const [event] = await eventsOf(created);
    expect(event!.changes).toMatchObject({ headers: { before: null, after: { Authorization: "[redacted]" } }, name: { before: null, after: name } });
    const rotated = unique("audit");
    const res = await call("POST", `/api/governance/virtual-keys/${world.vkA}/rotate`, {}, as(rotated));
    expect(res.status).toBe(200);
    world.vkAValue = res.body.virtual_key.value;
    const [rotation] = await eventsOf(rotated);
    expect(rotation).toMatchObject({ action: "rotate", entityType: "VirtualKey", entityId: world.vkA });
    expect(Object.keys(rotation!.changes as object).sort()).toEqual(["valueHash", "valuePrefix", "valueSuffix"]);
    expect((rotation!.changes as Record<string, { after: unknown }>).valueHash!.after).toBe("[redacted]");
    expectNoSecret(rotation);
  });

  it("can be read back through REST (paged, filtered) and GraphQL", async () => {
    const res = await call("GET", `/api/governance/audit-logs?entity_type=Customer&entity_id=${world.customerA}&limit=5`, undefined, as(unique("r")));
    expect(res.status).toBe(200);
    expect(res.body.audit_logs.length).toBeGreaterThan(0);
    expect(res.body.audit_logs.every((e: { entity_id: string }) => e.entity_id === world.customerA)).toBe(true);
    expect(res.body).toMatchObject({ limit: 5, offset: 0, total_count: expect.any(Number) });
    const q = `query($f: AuditEventFilter) { auditEvents(first: 3, filter: $f) { edges { node { entityType entityId action principalName changes } } } }`;
    const gql = await call("POST", "/graphql", { query: q, variables: { f: { entityType: "Customer", entityId: world.customerA } } }, as(unique("r")));
    const nodes = gql.body.data.auditEvents.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes[0]).toMatchObject({ entityType: "Customer", entityId: world.customerA });
  });
});

describe("append-only", () => {
  it("refuses UPDATE and DELETE; the retention purge deletes only events past retention", async () => {
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x' WHERE "entityId" = $1`, world.customerA)).rejects.toThrow();
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "entityId" = $1`, world.customerA)).rejects.toThrow();
    const old = await db.auditEvent.create({
      data: { createdAt: new Date("2000-01-01T00:00:00Z"), principalId: "t", principalName: "t", principalRole: "admin", action: "create", entityType: "Customer", entityId: unique("old"), changes: {}, requestId: unique("old") },
    });
    expect(await purgeAuditEvents(365)).toBeGreaterThanOrEqual(1);
    expect(await db.auditEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.auditEvent.count({ where: { entityId: world.customerA } })).toBeGreaterThan(0);
  });
});
