/**
 * Model-based property test of enforcement (fast-check commands): random sequences of checks (with and
 * without estimates, retried, replayed, cross-key), records (success, failure with and without usage),
 * reset usage, calendar alignment on/off, limit and window-duration edits, override set/remove, rotation, deactivation, deletion
 * and time advancing across window boundaries run against the services (simulated clock) and a small
 * reference model. After every step: every counter equals the model's (settled usage in the window + pending
 * holds of its generation), every decision is the model's (so no cap is exceeded and no key's decision
 * depends on another key's ids), no acknowledged record is lost, reservations are exactly the pending ones.
 * In process on both engines (simulated clock), and on PostgreSQL also against two real server processes over
 * REST (real clock: no time advance). PROPERTY_RUNS / PROPERTY_REST_RUNS set the number of runs (default 8 and
 * 3 in `npm test`), PROPERTY_SEED replays a seed.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createContext, type RequestContext } from "../../src/context.js";
import { db } from "../../src/db/client.js";
import { expiryThreshold } from "../../src/lib/duration.js";
import { clearBudgetOverride, setBudgetOverride } from "../../src/services/budget-overrides.js";
import { checkAccess } from "../../src/services/enforcement.js";
import { AccessDeniedError, RequestIdConflictError } from "../../src/services/errors.js";
import { configureEnforcement, enforcementOptions } from "../../src/services/reservations.js";
import { updateTeam } from "../../src/services/teams.js";
import { recordUsage } from "../../src/services/usage.js";
import { deleteVirtualKey, rotateVirtualKey, updateVirtualKey } from "../../src/services/virtual-key-updates.js";
import { startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";
import { createChain, createKey, unique } from "./helpers.js";

type Name = "A" | "B";
type RowKind = "budget" | "tokens" | "requests";
interface Row {
  kind: RowKind;
  id: string;
  /** Model usage and generation; limit (USD or count). */
  used: number;
  gen: number;
  limit: number;
}
interface KeyState {
  vkId: string;
  values: string[];
  active: boolean;
  deleted: boolean;
  budget: Row;
  tokens: Row;
  requests: Row;
  max: number;
  override: number;
  /** The budget's and both rate-limit windows' duration (edited together by the "duration" operation). */
  duration: string;
}
interface Hold {
  owner: Name;
  value: string;
  model: string;
  cost: number;
  tokens: number;
  gens: Map<string, number>;
}
interface Model {
  keys: Record<Name, KeyState>;
  team: Row;
  teamId: string;
  pending: Map<string, Hold>;
  recorded: Map<string, { owner: Name; value: string }>;
  ids: string[];
  clock: Date;
  clockControl: boolean;
}
type Outcome = { type: string; reservation?: { cost: number; tokens: number } | null; recorded?: boolean };
type AdminOp = "reset" | "align-key" | "unalign-key" | "align-team" | "unalign-team" | "limit" | "duration" | "override" | "clear-override" | "rotate" | "deactivate" | "activate" | "delete";
/** The system under test: the services in process (simulated clock), or real servers over REST. */
interface Api {
  check(value: string, body: { model: string; requestId: string; estimatedCost?: number | undefined; estimatedTokens?: number | undefined }): Promise<Outcome>;
  record(value: string, body: { model: string; requestId: string; cost: number; tokens: number; success: boolean }): Promise<Outcome>;
  /** Runs an admin operation; `rotate` returns the new value. */
  admin(op: AdminOp, k: { vkId: string; budgetId: string; duration: string }, teamId: string, amount: number): Promise<string | undefined>;
  /** False: the clock cannot be moved (real servers). */
  clockControl: boolean;
}
interface Real {
  api: Api;
}

const provider = "openai";
const rowKey = (r: Row) => `${r.kind}:${r.id}`;
const current = (k: KeyState) => k.values[k.values.length - 1]!;

/** The key a presented value resolves to (current value of a key that still exists). */
function resolve(m: Model, value: string): Name | null {
  for (const n of ["A", "B"] as Name[]) if (!m.keys[n].deleted && current(m.keys[n]) === value) return n;
  return null;
}

async function rowWindow(r: Row, now: Date): Promise<boolean> {
  if (r.kind === "budget") {
    const b = await db.budget.findUniqueOrThrow({ where: { id: r.id } });
    return b.lastReset < expiryThreshold({ duration: b.resetDuration, calendarAligned: b.calendarAligned }, now)!;
  }
  const l = await db.rateLimit.findUniqueOrThrow({ where: { id: r.id } });
  const [last, duration] = r.kind === "tokens" ? [l.tokenLastReset, l.tokenResetDuration!] : [l.requestLastReset, l.requestResetDuration!];
  return last < expiryThreshold({ duration, calendarAligned: l.calendarAligned }, now)!;
}

/** Which live rows' windows have expired at the model's clock, read before an operation touches them. */
async function expiries(m: Model): Promise<Map<string, boolean>> {
  const rows = [m.team, ...(["A", "B"] as Name[]).flatMap((n) => (m.keys[n].deleted ? [] : [m.keys[n].budget, m.keys[n].tokens, m.keys[n].requests]))];
  const out = new Map<string, boolean>();
  for (const r of rows) out.set(rowKey(r), await rowWindow(r, m.clock));
  return out;
}

function chainOf(m: Model, n: Name): Row[] {
  const k = m.keys[n];
  return k.deleted ? [m.team] : [k.budget, k.tokens, k.requests, m.team];
}

async function outcome<T>(run: () => Promise<T>): Promise<{ type: string; value?: T }> {
  try {
    return { type: "ok", value: await run() };
  } catch (err) {
    if (err instanceof AccessDeniedError) return { type: err.decision };
    if (err instanceof RequestIdConflictError) return { type: "request_id_conflict" };
    throw err;
  }
}

async function assertInvariants(m: Model): Promise<void> {
  const rows = [m.team, ...(["A", "B"] as Name[]).flatMap((n) => (m.keys[n].deleted ? [] : [m.keys[n].budget, m.keys[n].tokens, m.keys[n].requests]))];
  for (const r of rows) {
    if (r.kind === "budget") {
      const b = await db.budget.findUniqueOrThrow({ where: { id: r.id } });
      // Money is numeric(20,10) in the database; the model adds floats (a priced 1-token estimate is 6e-7 + ε).
      expect({ row: rowKey(r), used: Number(b.currentUsage), gen: Number(b.generation) }).toEqual({ row: rowKey(r), used: Number(r.used.toFixed(10)), gen: r.gen });
    } else {
      const l = await db.rateLimit.findUniqueOrThrow({ where: { id: r.id } });
      const [used, gen] = r.kind === "tokens" ? [l.tokenCurrentUsage, l.tokenGeneration] : [l.requestCurrentUsage, l.requestGeneration];
      expect({ row: rowKey(r), used: Number(used), gen: Number(gen) }).toEqual({ row: rowKey(r), used: r.used, gen: r.gen });
    }
  }
  const reserved = await db.reservation.findMany({ where: { requestId: { in: m.ids } }, select: { requestId: true } });
  expect(reserved.map((r) => r.requestId).sort()).toEqual([...m.pending.keys()].sort());
  const records = await db.usageRecord.findMany({ where: { requestId: { in: m.ids } }, select: { requestId: true } });
  expect(records.map((r) => r.requestId).sort()).toEqual([...m.recorded.keys()].sort());
}

const name = fc.constantFrom<Name>("A", "B");
const money = fc.integer({ min: 0, max: 6 }).map((x) => x / 2);

class Check implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: Name, readonly old: boolean, readonly pick: number | null, readonly model: string, readonly cost: number | undefined, readonly tokens: number | undefined) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (!m.clockControl) m.clock = new Date();
    const k = m.keys[this.key];
    const value = this.old && k.values.length > 1 ? k.values[0]! : current(k);
    const id = this.pick === null || m.ids.length === 0 ? unique("prop") : m.ids[this.pick % m.ids.length]!;
    if (!m.ids.includes(id)) m.ids.push(id);
    const expired = await expiries(m);
    const res = await r.api.check(value, { model: this.model, requestId: id, estimatedCost: this.cost, estimatedTokens: this.tokens });
    const owner = resolve(m, value);
    const held = m.pending.get(id);
    const sameHash = held !== undefined && held.value === value && held.model === this.model;
    const known = held !== undefined || m.recorded.has(id);
    let expected: string;
    if (owner === null || !m.keys[owner].active) {
      expected = known && !sameHash ? "request_id_conflict" : owner === null ? "virtual_key_not_found" : "virtual_key_blocked";
    } else if (known) {
      expected = held && (held.owner === owner || held.value === value) && held.model === this.model ? "ok" : "request_id_conflict";
    } else {
      const chain = chainOf(m, owner);
      const used = (row: Row) => (expired.get(rowKey(row)) ? 0 : row.used);
      const k2 = m.keys[owner];
      const tOver = used(k2.tokens) >= k2.tokens.limit;
      const rOver = used(k2.requests) >= k2.requests.limit;
      if (tOver || rOver) expected = tOver && rOver ? "rate_limited" : tOver ? "token_limited" : "request_limited";
      else if (used(k2.budget) >= k2.budget.limit || used(m.team) >= m.team.limit) expected = "budget_exceeded";
      else expected = "ok";
      if (expected === "ok" && res.type === "ok") {
        const reservation = res.reservation!;
        const gens = new Map<string, number>();
        for (const row of chain) {
          if (expired.get(rowKey(row))) {
            row.used = 0;
            row.gen += 1;
          }
          row.used += row.kind === "budget" ? reservation.cost : row.kind === "tokens" ? reservation.tokens : 1;
          gens.set(rowKey(row), row.gen);
        }
        m.pending.set(id, { owner, value, model: this.model, cost: reservation.cost, tokens: reservation.tokens, gens });
      }
    }
    expect({ step: this.toString(), type: res.type }).toEqual({ step: this.toString(), type: expected });
    if (expected === "ok" && known) expect(res.reservation).toBeNull();
    await assertInvariants(m);
  }
  toString = () => `check(${this.key}${this.old ? " old value" : ""}, id ${this.pick ?? "new"}, ${this.model}, cost ${this.cost}, tokens ${this.tokens})`;
}

class RecordCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: Name, readonly old: boolean, readonly pick: number | null, readonly cost: number, readonly tokens: number, readonly success: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (!m.clockControl) m.clock = new Date();
    const k = m.keys[this.key];
    const value = this.old && k.values.length > 1 ? k.values[0]! : current(k);
    const id = this.pick === null || m.ids.length === 0 ? unique("prop") : m.ids[this.pick % m.ids.length]!;
    if (!m.ids.includes(id)) m.ids.push(id);
    const held = m.pending.get(id);
    const model = held?.model ?? "gpt-4o-mini";
    const expired = await expiries(m);
    const res = await r.api.record(value, { model, requestId: id, cost: this.cost, tokens: this.tokens, success: this.success });
    const owner = resolve(m, value);
    const prior = m.recorded.get(id);
    let expected: string;
    let charge: Row[] = [];
    if (owner !== null) {
      const mine = (o: { owner: Name; value: string }) => o.owner === owner || o.value === value;
      if (held) expected = mine(held) ? "recorded" : "request_id_conflict";
      else if (prior) expected = mine(prior) ? "duplicate" : "request_id_conflict";
      else expected = "recorded";
      charge = chainOf(m, owner);
    } else if (held) {
      expected = held.value === value ? "recorded" : "request_id_conflict";
      // Settled from the reservation: its levels that still exist.
      charge = chainOf(m, held.owner).filter((row) => held.gens.has(rowKey(row)));
    } else {
      expected = prior && prior.value === value ? "duplicate" : "virtual_key_not_found";
    }
    const got = res.type !== "ok" ? res.type : res.recorded ? "recorded" : "duplicate";
    expect({ step: this.toString(), type: got }).toEqual({ step: this.toString(), type: expected });
    if (expected === "recorded") {
      for (const row of charge) {
        const amount = row.kind === "budget" ? this.cost : row.kind === "tokens" ? this.tokens : this.success ? 1 : 0;
        if (expired.get(rowKey(row))) {
          row.used = amount;
          row.gen += 1;
          continue;
        }
        const back = held && held.gens.get(rowKey(row)) === row.gen ? (row.kind === "budget" ? held.cost : row.kind === "tokens" ? held.tokens : 1) : 0;
        row.used += amount - back;
      }
      m.pending.delete(id);
      m.recorded.set(id, { owner: held?.owner ?? owner!, value });
    }
    await assertInvariants(m);
  }
  toString = () => `record(${this.key}${this.old ? " old value" : ""}, id ${this.pick ?? "new"}, cost ${this.cost}, tokens ${this.tokens}, ${this.success ? "ok" : "failed"})`;
}

class Admin implements fc.AsyncCommand<Model, Real> {
  constructor(readonly op: AdminOp, readonly key: Name, readonly amount: number) {}
  check = (m: Readonly<Model>) => !m.keys[this.key].deleted;
  async run(m: Model, r: Real): Promise<void> {
    const k = m.keys[this.key];
    if (this.op === "clear-override" && k.override === 0) return;
    const value = await r.api.admin(this.op, { vkId: k.vkId, budgetId: k.budget.id, duration: k.duration }, m.teamId, this.amount);
    const limit = () => (k.budget.limit = k.max + k.override);
    switch (this.op) {
      case "reset":
        k.budget.used = 0;
        k.budget.gen += 1;
        break;
      case "limit":
        k.max = this.amount;
        limit();
        break;
      case "duration": { // usage and generations stay; the next check or record sees the window under its new length
        k.duration = durationOf(this.amount);
        const b = await db.budget.findUniqueOrThrow({ where: { id: k.budget.id } });
        const l = await db.rateLimit.findUniqueOrThrow({ where: { id: k.tokens.id } });
        expect([b.resetDuration, l.tokenResetDuration, l.requestResetDuration]).toEqual([k.duration, k.duration, k.duration]);
        break;
      }
      case "override":
        k.override = this.amount / 4;
        limit();
        break;
      case "clear-override":
        k.override = 0;
        limit();
        break;
      case "rotate":
        k.values.push(value!);
        break;
      case "deactivate":
      case "activate":
        k.active = this.op === "activate";
        break;
      case "delete":
        k.deleted = true;
        break;
      default: // alignment keeps usage and generation
    }
    await assertInvariants(m);
  }
  toString = () => `${this.op}(${this.key}, ${this.amount})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = (m: Readonly<Model>) => m.clockControl;
  async run(m: Model): Promise<void> {
    m.clock = new Date(m.clock.getTime() + this.minutes * 60_000);
  }
  toString = () => `advance(${this.minutes} min)`;
}

/** The window an edit switches to: shorter and longer than the initial hour, so edits can end a window at once. */
const durationOf = (amount: number) => ["30m", "1h", "2h"][amount % 3]!;

const commands = [
  fc.tuple(name, fc.boolean(), fc.option(fc.nat(), { freq: 3 }), fc.constantFrom("gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o"), fc.option(money), fc.option(fc.integer({ min: 0, max: 400 })))
    .map(([k, old, pick, model, cost, tokens]) => new Check(k, old, pick, model, cost ?? undefined, tokens ?? undefined)),
  fc.tuple(name, fc.boolean(), fc.option(fc.nat(), { freq: 6 }), money, fc.integer({ min: 0, max: 400 }), fc.boolean())
    .map(([k, old, pick, cost, tokens, ok]) => new RecordCmd(k, old, pick, ok ? cost : cost / 2, ok ? tokens : tokens % 3 === 0 ? 0 : tokens, ok)),
  fc.tuple(
    fc.constantFrom<Admin["op"][]>("reset", "align-key", "unalign-key", "align-team", "unalign-team", "limit", "duration", "override", "clear-override", "rotate", "deactivate", "activate", "activate", "delete"),
    name,
    fc.integer({ min: 4, max: 16 }),
  ).map(([op, k, amount]) => new Admin(op, k, amount)),
  fc.integer({ min: 1, max: 50 }).map((min) => new Advance(min)),
];

/** The services in process, on the model's (simulated) clock. */
function servicesApi(m: () => Model): Api {
  const ctx: RequestContext = { ...createContext(), now: () => m().clock };
  const opts = { vkMandatory: false };
  return {
    clockControl: true,
    check: async (value, b) => {
      const res = await outcome(() => checkAccess(ctx, value, { provider, ...b }, opts));
      return { type: res.type, reservation: res.value?.reservation ?? null };
    },
    record: async (value, b) => {
      const res = await outcome(() => recordUsage(ctx, value, { provider, ...b }, opts));
      return { type: res.type, recorded: res.value?.recorded };
    },
    admin: async (op, k, teamId, amount) => {
      switch (op) {
        case "reset": await updateVirtualKey(ctx, k.vkId, { resetBudgetUsage: true }); return;
        case "align-key": case "unalign-key": await updateVirtualKey(ctx, k.vkId, { calendarAligned: op === "align-key" }); return;
        case "align-team": case "unalign-team": await updateTeam(ctx, teamId, { calendarAligned: op === "align-team" }); return;
        case "limit": await updateVirtualKey(ctx, k.vkId, { budget: { maxLimit: amount, resetDuration: k.duration } }); return;
        case "duration": {
          const d = durationOf(amount);
          await updateVirtualKey(ctx, k.vkId, { budgets: [{ id: k.budgetId, resetDuration: d }], rateLimit: { tokenResetDuration: d, requestResetDuration: d } });
          return;
        }
        case "override": await setBudgetOverride(ctx, k.vkId, k.budgetId, { amount: amount / 4, mode: "forever" }); return;
        case "clear-override": await clearBudgetOverride(ctx, k.vkId, k.budgetId); return;
        case "rotate": return (await rotateVirtualKey(ctx, k.vkId)).value;
        case "deactivate": case "activate": await updateVirtualKey(ctx, k.vkId, { isActive: op === "activate" }); return;
        case "delete": await deleteVirtualKey(ctx, k.vkId); return;
      }
    },
  };
}

/** Fresh customer-less team with keys A and B (each: $10/1h budget, 1,000 tokens and 4 requests per hour; team $15/1d). */
const keyBody = () => ({
  budget: { max_limit: 10, reset_duration: "1h" },
  rate_limit: { token_max_limit: 1000, token_reset_duration: "1h", request_max_limit: 4, request_reset_duration: "1h" },
});

async function setup(api: (m: () => Model) => Api): Promise<{ model: Model; real: Real }> {
  const c = await createChain({ team: { budget: { max_limit: 15, reset_duration: "1d" } }, vk: keyBody() });
  const b = await createKey({ team_id: c.teamId, ...keyBody() });
  const keyState = async (vkId: string, value: string): Promise<KeyState> => {
    const budget = await db.budget.findFirstOrThrow({ where: { virtualKeyId: vkId } });
    const rl = await db.rateLimit.findFirstOrThrow({ where: { virtualKeyId: vkId } });
    return {
      vkId,
      values: [value],
      active: true,
      deleted: false,
      budget: { kind: "budget", id: budget.id, used: 0, gen: 0, limit: 10 },
      tokens: { kind: "tokens", id: rl.id, used: 0, gen: 0, limit: 1000 },
      requests: { kind: "requests", id: rl.id, used: 0, gen: 0, limit: 4 },
      max: 10,
      override: 0,
      duration: "1h",
    };
  };
  const team = await db.budget.findFirstOrThrow({ where: { teamId: c.teamId } });
  const model: Model = {
    keys: { A: await keyState(c.vkId, c.key), B: await keyState(b.vkId, b.key) },
    team: { kind: "budget", id: team.id, used: 0, gen: 0, limit: 15 },
    teamId: c.teamId,
    pending: new Map(),
    recorded: new Map(),
    ids: [],
    clock: new Date(),
    clockControl: true,
  };
  const real = { api: api(() => model) };
  model.clockControl = real.api.clockControl;
  return { model, real };
}


/** Two real server processes over REST (alternating per call), on the test's PostgreSQL database. */
function restApi(bases: string[]): Api {
  let turn = 0;
  const call = async (method: string, p: string, body?: unknown, key?: string) => {
    const res = await fetch(bases[turn++ % bases.length]! + p, {
      method,
      headers: { "content-type": "application/json", ...(key ? { "x-bf-vk": key } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: any = await res.json();
    return { status: res.status, body: json };
  };
  const type = (r: { status: number; body: any }) => (r.status === 200 ? "ok" : String(r.body?.type ?? `HTTP ${r.status}`));
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const got = await r;
    if (got.status !== 200) throw new Error(`admin call failed: ${got.status} ${JSON.stringify(got.body)}`);
    return got.body;
  };
  return {
    clockControl: false,
    check: async (value, b) => {
      const r = await call("POST", "/api/governance/check", { provider, model: b.model, request_id: b.requestId, estimated_cost: b.estimatedCost, estimated_tokens: b.estimatedTokens }, value);
      return { type: type(r), reservation: r.status === 200 ? r.body.reservation : undefined };
    },
    record: async (value, b) => {
      const r = await call("POST", "/api/governance/usage", { provider, model: b.model, request_id: b.requestId, cost: b.cost, tokens: b.tokens, success: b.success }, value);
      return { type: type(r), recorded: r.body?.recorded };
    },
    admin: async (op, k, teamId, amount) => {
      const vk = `/api/governance/virtual-keys/${k.vkId}`;
      switch (op) {
        case "reset": await ok(call("PUT", vk, { reset_budget_usage: true })); return;
        case "align-key": case "unalign-key": await ok(call("PUT", vk, { calendar_aligned: op === "align-key" })); return;
        case "align-team": case "unalign-team": await ok(call("PUT", `/api/governance/teams/${teamId}`, { calendar_aligned: op === "align-team" })); return;
        case "limit": await ok(call("PUT", vk, { budget: { max_limit: amount, reset_duration: k.duration } })); return;
        case "duration": {
          const d = durationOf(amount);
          await ok(call("PUT", vk, { budgets: [{ id: k.budgetId, reset_duration: d }], rate_limit: { token_reset_duration: d, request_reset_duration: d } }));
          return;
        }
        case "override": await ok(call("PUT", `${vk}/budgets/${k.budgetId}/override`, { amount: amount / 4, mode: "forever" })); return;
        case "clear-override": await ok(call("DELETE", `${vk}/budgets/${k.budgetId}/override`)); return;
        case "rotate": return (await ok(call("POST", `${vk}/rotate`))).virtual_key.value as string;
        case "deactivate": case "activate": await ok(call("PUT", vk, { is_active: op === "activate" })); return;
        case "delete": await ok(call("DELETE", vk)); return;
      }
    },
  };
}

const runs = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};

describe("enforcement against a reference model (services in process, simulated clock)", () => {
  const saved = { ...enforcementOptions };
  // No hold expires and no sweep runs during a run: the model does not simulate expiry (tested in usage.test.ts),
  // and a sweep at the simulated (future) time would release other test files' holds.
  beforeAll(() => configureEnforcement({ reservationTtlMs: 1e13, sweepIntervalMs: 1e16 }));
  afterAll(() => configureEnforcement(saved));

  it("every step keeps counters, decisions, holds and records equal to the model's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const { model, real } = await setup(servicesApi);
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: runs("PROPERTY_RUNS", 8), ...seed },
    );
  }, 600_000);
});

describe.runIf(engine === "postgres")("enforcement against a reference model (two server processes over REST)", () => {
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    const started = await Promise.allSettled([0, 1].map(() => startServer({ DATABASE_URL: inject("databaseUrl") })));
    servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed?.status === "rejected") throw failed.reason;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.filter((s) => s.child.exitCode === null).map((s) => stopServer(s)));
  });

  it("every step keeps counters, decisions, holds and records equal to the model's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const { model, real } = await setup(() => restApi(servers.map((s) => s.url)));
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: runs("PROPERTY_REST_RUNS", 3), ...seed },
    );
  }, 600_000);
});
