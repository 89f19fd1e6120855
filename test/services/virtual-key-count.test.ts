/**
 * The maintained key counts (VirtualKeyCount, migration 20261130082151_virtual_key_count) behind the REST list's
 * total_count: exact after inserts, deletes, moves between owners, team moves between customers, FK cascades
 * (a deleted team or customer detaches its keys), rolled-back transactions and savepoints, bulk statements and
 * TRUNCATE; concurrent writers from two connections never wait for each other (PostgreSQL). A model-based
 * property test drives the services and checks every total_count the list can answer after every step.
 *
 * The global invariant (every scope's maintained sum = count(*) of its keys) is checked in ONE statement, so it
 * holds exactly even while other test files write keys to the shared PostgreSQL database.
 */
import fc from "fast-check";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createContext, type RequestContext } from "../../src/context.js";
import { db, rawSql } from "../../src/db/client.js";
import { createCustomer, deleteCustomer } from "../../src/services/customers.js";
import { createTeam, deleteTeam, updateTeam } from "../../src/services/teams.js";
import { deleteVirtualKey, updateVirtualKey } from "../../src/services/virtual-key-updates.js";
import { createVirtualKey, listVirtualKeys, listVirtualKeysJson, type VirtualKeyListQuery } from "../../src/services/virtual-keys.js";
import { unique } from "../helpers/app.js";
import { engine } from "../helpers/setup.js";

const admin = createContext();
const customerAdmin = (customerId: string): RequestContext => createContext(undefined, { principal: { id: "test", name: "test", role: "customer-admin", customerId } });
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const runs = Number(process.env.PROPERTY_RUNS ?? 10);

/** Scopes whose maintained count differs from count(*) of their keys, in one snapshot (expected: none). */
async function countMismatches(): Promise<{ scope: string; actual: string | null; maintained: string | null }[]> {
  return rawSql.query(`
    WITH actual AS (
      SELECT v.scope, count(*) AS n FROM "VirtualKey" k
      CROSS JOIN LATERAL (VALUES ('*'), (COALESCE('team:' || k."teamId", 'customer:' || k."customerId"))) AS v(scope)
      WHERE v.scope IS NOT NULL GROUP BY v.scope),
    maintained AS (SELECT scope, sum(n) AS n FROM "VirtualKeyCount" GROUP BY scope)
    SELECT scope, a.n::text AS actual, m.n::text AS maintained FROM actual a FULL JOIN maintained m USING (scope)
    WHERE COALESCE(a.n, 0) <> COALESCE(m.n, 0)`, []);
}

async function expectExact(): Promise<void> {
  expect(await countMismatches()).toEqual([]);
}

/** total_count of the REST list (maintained counts), checked against the general path's count(*). */
async function total(ctx: RequestContext, q: VirtualKeyListQuery = {}): Promise<number> {
  const fast = await listVirtualKeysJson(ctx, { limit: "1", ...q });
  const general = await listVirtualKeys(ctx, { limit: "1", ...q });
  expect(fast.totalCount, `total_count for ${JSON.stringify(q)}`).toBe(general.totalCount);
  return fast.totalCount;
}

const key = (name: string, owner: { teamId?: string; customerId?: string } = {}) => createVirtualKey(admin, { name, ...owner }).then((k) => k.key.id);

describe("maintained virtual key counts", () => {
  it("the migration counted the keys that existed; every write keeps each scope exact", async () => {
    await expectExact();
    const c = await createCustomer(admin, { name: unique("cnt-c") });
    const t = await createTeam(admin, { name: unique("cnt-t"), customerId: c.id });
    const t2 = await createTeam(admin, { name: unique("cnt-t2") });
    const a = await key(unique("cnt-k"), { teamId: t.id });
    await key(unique("cnt-k"), { teamId: t.id });
    const d = await key(unique("cnt-k"), { customerId: c.id });
    await key(unique("cnt-k"));
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(2);
    expect(await total(admin, { customerId: c.id })).toBe(1);
    expect(await total(admin, { teamId: t.id, customerId: c.id })).toBe(3);
    expect(await total(customerAdmin(c.id))).toBe(3);
    expect(await total(customerAdmin(c.id), { teamId: t.id })).toBe(2);
    expect(await total(customerAdmin(c.id), { teamId: t2.id })).toBe(0);

    await updateVirtualKey(admin, a, { teamId: t2.id }); // a move between teams
    await updateVirtualKey(admin, d, { teamId: t.id }); // customer → team
    await updateVirtualKey(admin, a, { name: unique("cnt-renamed"), isActive: false }); // no owner change
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(2);
    expect(await total(admin, { teamId: t2.id })).toBe(1);
    expect(await total(admin, { customerId: c.id })).toBe(0);
    expect(await total(customerAdmin(c.id))).toBe(2);

    await updateTeam(admin, t2.id, { customerId: c.id }); // a team moves: its keys enter the customer's scope
    expect(await total(customerAdmin(c.id))).toBe(3);
    await deleteVirtualKey(admin, a);
    await expectExact();
    expect(await total(customerAdmin(c.id))).toBe(2);
  });

  it("cascades: a deleted team or customer detaches its keys (FK SET NULL is an UPDATE of the keys)", async () => {
    const c = await createCustomer(admin, { name: unique("cnt-c") });
    const t = await createTeam(admin, { name: unique("cnt-t"), customerId: c.id });
    for (let i = 0; i < 3; i++) await key(unique("cnt-k"), { teamId: t.id });
    for (let i = 0; i < 2; i++) await key(unique("cnt-k"), { customerId: c.id });
    expect(await total(customerAdmin(c.id))).toBe(5);
    await deleteTeam(admin, t.id);
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(0);
    expect(await total(customerAdmin(c.id))).toBe(2);
    const t2 = await createTeam(admin, { name: unique("cnt-t"), customerId: c.id });
    await key(unique("cnt-k"), { teamId: t2.id });
    await deleteCustomer(admin, c.id); // the team is detached, the direct keys too
    await expectExact();
    expect(await total(admin, { customerId: c.id })).toBe(0);
    expect(await total(admin, { teamId: t2.id })).toBe(1);
    expect(await rawSql.query(`SELECT scope FROM "VirtualKeyCount" WHERE scope IN ($1, $2)`, [`team:${t.id}`, `customer:${c.id}`])).toEqual([]);
  });

  it("a rolled-back transaction and a rolled-back savepoint leave no count behind", async () => {
    const t = await createTeam(admin, { name: unique("cnt-t") });
    // The key is inserted, then its MCP client is not found: the whole create rolls back.
    await expect(createVirtualKey(admin, { name: unique("cnt-k"), teamId: t.id, mcpConfigs: [{ mcpClientName: unique("missing") }] })).rejects.toThrow(/MCP client not found/);
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(0);
    const insert = (name: string) =>
      `INSERT INTO "VirtualKey" (id, name, "valueHash", "valuePrefix", "valueSuffix", "teamId", "updatedAt")
       VALUES (gen_random_uuid(), '${name}', encode(sha256('${name}'::bytea), 'hex'), 'sk-bf-x', 'y', '${t.id}', now())`;
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insert(unique("cnt-k")));
      await tx.$executeRawUnsafe("SAVEPOINT s");
      await tx.$executeRawUnsafe(insert(unique("cnt-k")));
      await tx.$executeRawUnsafe(`DELETE FROM "VirtualKey" WHERE "teamId" = '${t.id}'`);
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT s");
      await tx.$executeRawUnsafe(insert(unique("cnt-k")));
    });
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(2);
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(insert(unique("cnt-k")));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await expectExact();
    expect(await total(admin, { teamId: t.id })).toBe(2);
  });

  it("bulk statements: one INSERT … SELECT of many keys over many teams, then one DELETE and one UPDATE of them", async () => {
    const tag = unique("cnt-bulk");
    const teams = await Promise.all([0, 1, 2].map((i) => createTeam(admin, { name: `${tag}-t${i}` })));
    await rawSql.query(
      `INSERT INTO "VirtualKey" (id, name, "valueHash", "valuePrefix", "valueSuffix", "teamId", "updatedAt")
       SELECT gen_random_uuid(), $1 || '-k' || i, encode(sha256(($1 || i)::bytea), 'hex'), 'sk-bf-x', 'y', ($2::uuid[])[1 + i % 3], now()
       FROM generate_series(0, 299) i`,
      [tag, teams.map((t) => t.id)],
    );
    await expectExact();
    expect(await total(admin, { teamId: teams[0]!.id })).toBe(100);
    await rawSql.query(`UPDATE "VirtualKey" SET "teamId" = $1 WHERE "teamId" = $2`, [teams[0]!.id, teams[1]!.id]);
    await expectExact();
    expect(await total(admin, { teamId: teams[0]!.id })).toBe(200);
    await rawSql.query(`DELETE FROM "VirtualKey" WHERE name LIKE $1 || '-k%' AND "teamId" = $2`, [tag, teams[0]!.id]);
    await expectExact();
    expect(await total(admin, { teamId: teams[0]!.id })).toBe(0);
    expect(await total(admin, { teamId: teams[2]!.id })).toBe(100);
  });

  it("a scope keeps a handful of rows: each write folds the committed ones", async () => {
    const t = await createTeam(admin, { name: unique("cnt-t") });
    for (let i = 0; i < 12; i++) await key(unique("cnt-k"), { teamId: t.id });
    const rows = await rawSql.query<{ n: string }>(`SELECT n::text FROM "VirtualKeyCount" WHERE scope = $1`, [`team:${t.id}`]);
    expect(rows).toEqual([{ n: "12" }]);
  });
});

/**
 * The model: customers, teams (with their customer) and keys (with their owner). After every command, every
 * list total the model can tell: each customer-admin's scope, each team and customer filter, a filter pair,
 * and a customer-admin's team filter (inside and outside its scope); then the global invariant.
 */
interface Model {
  customers: string[];
  teams: Map<string, string | null>;
  keys: Map<string, { teamId: string | null; customerId: string | null }>;
}
type Real = Record<string, never>;
type Owner = { kind: "team" | "customer" | "none"; pick: number };

const ownerOf = (m: Model, o: Owner): { teamId?: string; customerId?: string } => {
  if (o.kind === "team" && m.teams.size) return { teamId: [...m.teams.keys()][o.pick % m.teams.size]! };
  if (o.kind === "customer" && m.customers.length) return { customerId: m.customers[o.pick % m.customers.length]! };
  return {};
};

async function checkTotals(m: Model): Promise<void> {
  const keys = [...m.keys.values()];
  const inScope = (c: string) => keys.filter((k) => k.customerId === c || (k.teamId !== null && m.teams.get(k.teamId) === c)).length;
  for (const c of m.customers) {
    expect(await total(customerAdmin(c))).toBe(inScope(c));
    expect(await total(admin, { customerId: c })).toBe(keys.filter((k) => k.customerId === c).length);
  }
  const teams = [...m.teams.keys()];
  for (const t of teams) expect(await total(admin, { teamId: t })).toBe(keys.filter((k) => k.teamId === t).length);
  if (teams.length && m.customers.length) {
    const [t, c] = [teams[0]!, m.customers[m.customers.length - 1]!];
    expect(await total(admin, { teamId: t, customerId: c })).toBe(keys.filter((k) => k.teamId === t || k.customerId === c).length);
    expect(await total(customerAdmin(c), { teamId: t })).toBe(m.teams.get(t) === c ? keys.filter((k) => k.teamId === t).length : 0);
  }
  await expectExact();
}

const command = (name: string, check: (m: Model) => boolean, run: (m: Model) => Promise<void>): fc.AsyncCommand<Model, Real> => ({
  check,
  run: async (m) => {
    await run(m);
    await checkTotals(m);
  },
  toString: () => name,
});

const owner = fc.record({ kind: fc.constantFrom<Owner["kind"]>("team", "customer", "none"), pick: fc.nat(9) });
const commands = [
  fc.constant(null).map(() => command("createCustomer", () => true, async (m) => {
    m.customers.push((await createCustomer(admin, { name: unique("cntp-c") })).id);
  })),
  fc.option(fc.nat(9), { nil: undefined }).map((pick) => command(`createTeam(${pick})`, () => true, async (m) => {
    const customerId = pick !== undefined && m.customers.length ? m.customers[pick % m.customers.length]! : null;
    m.teams.set((await createTeam(admin, { name: unique("cntp-t"), ...(customerId ? { customerId } : {}) })).id, customerId);
  })),
  owner.map((o) => command(`createKey(${JSON.stringify(o)})`, () => true, async (m) => {
    const ref = ownerOf(m, o);
    m.keys.set(await key(unique("cntp-k"), ref), { teamId: ref.teamId ?? null, customerId: ref.customerId ?? null });
  })),
  owner.map((o) => command(`createKeyRolledBack(${JSON.stringify(o)})`, () => true, async (m) => {
    await expect(createVirtualKey(admin, { name: unique("cntp-k"), ...ownerOf(m, o), mcpConfigs: [{ mcpClientName: unique("missing") }] })).rejects.toThrow();
  })),
  fc.nat(99).map((i) => command(`deleteKey(${i})`, (m) => m.keys.size > 0, async (m) => {
    const id = [...m.keys.keys()][i % m.keys.size]!;
    await deleteVirtualKey(admin, id);
    m.keys.delete(id);
  })),
  fc.tuple(fc.nat(99), owner).map(([i, o]) => command(`moveKey(${i}, ${JSON.stringify(o)})`, (m) => m.keys.size > 0, async (m) => {
    const id = [...m.keys.keys()][i % m.keys.size]!;
    const ref = ownerOf(m, o);
    // A new owner replaces the other one; "" detaches (one owner field per update).
    const current = m.keys.get(id)!;
    await updateVirtualKey(admin, id, ref.teamId || ref.customerId ? ref : current.teamId ? { teamId: "" } : { customerId: "" });
    m.keys.set(id, { teamId: ref.teamId ?? null, customerId: ref.customerId ?? null });
  })),
  fc.tuple(fc.nat(99), fc.option(fc.nat(9), { nil: undefined })).map(([i, pick]) => command(`moveTeam(${i}, ${pick})`, (m) => m.teams.size > 0, async (m) => {
    const id = [...m.teams.keys()][i % m.teams.size]!;
    const customerId = pick !== undefined && m.customers.length ? m.customers[pick % m.customers.length]! : null;
    await updateTeam(admin, id, { customerId: customerId ?? "" });
    m.teams.set(id, customerId);
  })),
  fc.nat(99).map((i) => command(`deleteTeam(${i})`, (m) => m.teams.size > 0, async (m) => {
    const id = [...m.teams.keys()][i % m.teams.size]!;
    await deleteTeam(admin, id);
    m.teams.delete(id);
    for (const k of m.keys.values()) if (k.teamId === id) k.teamId = null;
  })),
  fc.nat(99).map((i) => command(`deleteCustomer(${i})`, (m) => m.customers.length > 0, async (m) => {
    const id = m.customers[i % m.customers.length]!;
    await deleteCustomer(admin, id);
    m.customers = m.customers.filter((c) => c !== id);
    for (const [t, c] of m.teams) if (c === id) m.teams.set(t, null);
    for (const k of m.keys.values()) if (k.customerId === id) k.customerId = null;
  })),
];

describe("maintained counts against a model (fast-check commands through the services)", () => {
  it("every total_count equals the model's count after every step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const model: Model = { customers: [], teams: new Map(), keys: new Map() };
        await fc.asyncModelRun(() => ({ model, real: {} }), cmds);
      }),
      { numRuns: runs, ...seed },
    );
  }, 600_000);
});

describe.runIf(engine === "postgres")("concurrent writers (two connections)", () => {
  const connect = async () => {
    const c = new pg.Client({ connectionString: inject("databaseUrl") });
    await c.connect();
    return c;
  };
  const insertKey = (c: pg.Client, teamId: string) => {
    const name = unique("cnt-conc");
    return c.query(
      `INSERT INTO "VirtualKey" (id, name, "valueHash", "valuePrefix", "valueSuffix", "teamId", "updatedAt")
       VALUES (gen_random_uuid(), $1::text, encode(sha256($1::text::bytea), 'hex'), 'sk-bf-x', 'y', $2::uuid, now())`,
      [name, teamId],
    );
  };

  it("a second writer of the same scope neither waits for an open first one nor loses its count", async () => {
    const t = await createTeam(admin, { name: unique("cnt-t") });
    const [a, b] = [await connect(), await connect()];
    try {
      await b.query("SET lock_timeout = '2s'"); // waiting on a's rows would fail the test, not hang it
      await a.query("BEGIN");
      await insertKey(a, t.id);
      await b.query("BEGIN");
      await insertKey(b, t.id);
      await insertKey(b, t.id);
      await b.query("COMMIT");
      expect(await total(admin, { teamId: t.id })).toBe(2);
      await insertKey(a, t.id);
      await a.query("COMMIT");
      await expectExact();
      expect(await total(admin, { teamId: t.id })).toBe(4);

      // Interleaved, one rolled back, deletes among them.
      await a.query("BEGIN");
      await b.query("BEGIN");
      await insertKey(a, t.id);
      await insertKey(b, t.id);
      await b.query(`DELETE FROM "VirtualKey" WHERE id = (SELECT id FROM "VirtualKey" WHERE "teamId" = $1 ORDER BY "createdAt", id LIMIT 1)`, [t.id]);
      await a.query("ROLLBACK");
      await b.query("COMMIT");
      await expectExact();
      expect(await total(admin, { teamId: t.id })).toBe(4);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("many concurrent creates, moves and deletes through the service stay exact", async () => {
    const [t1, t2] = [await createTeam(admin, { name: unique("cnt-t") }), await createTeam(admin, { name: unique("cnt-t") })];
    const ids = await Promise.all(Array.from({ length: 24 }, (_, i) => key(unique("cnt-par"), { teamId: (i % 2 ? t1 : t2).id })));
    await expectExact();
    await Promise.all(ids.map((id, i) => (i % 3 === 0 ? deleteVirtualKey(admin, id) : i % 3 === 1 ? updateVirtualKey(admin, id, { teamId: t1.id }) : Promise.resolve())));
    await expectExact();
    const expected = ids.filter((_, i) => i % 3 !== 0);
    expect((await total(admin, { teamId: t1.id })) + (await total(admin, { teamId: t2.id }))).toBe(expected.length);
  });
});

describe.runIf(engine === "pglite")("TRUNCATE (this file's own embedded database)", () => {
  it("empties every count; counting resumes from zero", async () => {
    await rawSql.query(`TRUNCATE "VirtualKey" CASCADE`, []);
    expect(await rawSql.query(`SELECT * FROM "VirtualKeyCount"`, [])).toEqual([]);
    await key(unique("cnt-k"));
    await expectExact();
    expect(await total(admin)).toBe(1);
  });
});
