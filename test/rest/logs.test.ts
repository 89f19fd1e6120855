/**
 * Logs are safe and bounded: one access line per request (method, route pattern, status, ms, request id),
 * client mistakes at debug, server faults at error, Prisma and driver errors as code + model + operation, no
 * key value anywhere, every line under 4 KB. Lines are captured from the real pino logger.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db, rawSql } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { createHttpApp } from "../../src/rest/app.js";
import { createApp } from "../../src/server.js";
import { unique } from "../helpers/app.js";

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  method?: string;
  route?: string | null;
  status?: number;
  ms?: number;
  err?: Record<string, unknown>;
  [key: string]: unknown;
}

const config = loadConfig({ ...process.env, DATABASE_URL: "", LOG_LEVEL: "debug" });

function capture(level = "debug") {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (s: string) => void raw.push(s) });
  return { logger, raw, lines: () => raw.map((s) => JSON.parse(s) as Line) };
}

const send = async (target: { fetch(r: Request): Response | Promise<Response> }, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) =>
  target.fetch(new Request(`http://test${path}`, { method, body: init.body, headers: { "content-type": "application/json", ...init.headers } }));

describe("access log", () => {
  it("writes exactly one line per request with method, route pattern, status, ms and the request id", async () => {
    const log = capture("info");
    const app = createApp(config, log.logger);
    const customer = await (await send(app, "POST", "/api/governance/customers", { body: JSON.stringify({ name: unique("log") }) })).json();
    const id = customer.customer.id as string;
    const cases: [string, string, string | undefined, string | null, number][] = [
      ["GET", `/api/governance/customers/${id}`, undefined, "/api/governance/customers/:id", 200],
      ["PUT", `/api/governance/customers/${id}`, "not-json", "/api/governance/customers/:id", 400],
      ["GET", "/api/governance/virtual-keys/quota", undefined, "/api/governance/virtual-keys/quota", 401],
      ["PATCH", "/api/governance/teams", undefined, "/api/governance/teams", 405],
      ["PUT", "/api/governance/virtual-keys/quota", "{}", "/api/governance/virtual-keys/quota", 405],
      ["POST", "/api/governance/teams", `{"name":"${"x".repeat(1024 * 1024)}"}`, "/api/governance/teams", 413],
      ["GET", `/api/governance/unknown/${id}`, undefined, null, 404],
      ["POST", "/graphql", JSON.stringify({ query: "{ __typename }" }), "/graphql", 200],
      ["GET", "/health", undefined, "/health", 200],
    ];
    for (const [method, path, body, route, status] of cases) {
      const reqId = `case-${unique("r")}`;
      const res = await send(app, method, path, { body, headers: { "x-request-id": reqId } });
      expect(res.status).toBe(status);
      await res.arrayBuffer();
      const mine = log.lines().filter((l) => l.reqId === reqId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: 30, msg: "request", method, route, status });
      expect(mine[0]!.ms).toBeGreaterThanOrEqual(0);
      expect(Object.keys(mine[0]!).sort()).toEqual(["hostname", "level", "method", "ms", "msg", "pid", "reqId", "route", "status", "time"]);
    }
    expect(log.raw.join("")).not.toContain(id); // the pattern is logged, never the raw path
  });

  it("never logs a key value: not from headers, the query string, the path or the body", async () => {
    const log = capture("debug");
    const app = createApp(config, log.logger);
    const created = await (await send(app, "POST", "/api/governance/virtual-keys", { body: JSON.stringify({ name: unique("secret") }) })).json();
    const vk = created.virtual_key.value as string;
    const secretPart = vk.slice("sk-bf-".length);
    const headers = { "x-bf-vk": vk, authorization: `Bearer ${vk}`, "x-api-key": vk, "x-request-id": "trace-secret" };
    const requests: [string, string, string?][] = [
      ["GET", `/api/governance/virtual-keys?search=${vk}`],
      ["GET", `/api/governance/customers?search=${vk}&limit=abc`],
      ["GET", `/api/governance/virtual-keys?search=${vk}&offset=9223372036854775808`],
      ["GET", `/api/governance/virtual-keys/${vk}`],
      ["GET", "/api/governance/virtual-keys/quota"],
      ["POST", "/api/governance/check", JSON.stringify({ provider: "openai", model: "gpt-4o" })],
      ["POST", "/api/governance/usage", JSON.stringify({ provider: "openai", model: "gpt-4o", request_id: vk, tokens: 1 })],
      ["POST", "/api/governance/customers", JSON.stringify({ name: vk, budget: { max_limit: vk, reset_duration: vk } })],
      ["POST", "/api/governance/teams", JSON.stringify({ [vk]: 1 })],
      ["POST", "/graphql", JSON.stringify({ query: `{ node(id: "${vk}") { id } virtualKeyByValue(value: "${vk}") { name } }` })],
      ["POST", "/graphql", JSON.stringify({ query: `{ customers(first: 1, filter: { search: "${vk}" }) { totalCount } }` })],
    ];
    for (const [method, path, body] of requests) await (await send(app, method, path, { body, headers })).arrayBuffer();
    expect(log.raw.length).toBeGreaterThanOrEqual(requests.length);
    for (const line of log.raw) expect(line).not.toContain(secretPart);
  });
});

describe("levels", () => {
  it("client mistakes are debug lines (nothing at warn or above); at info only the access line is written", async () => {
    const log = capture("debug");
    const app = createApp(config, log.logger);
    await send(app, "POST", "/api/governance/customers", { body: "{bad", headers: { "x-request-id": "lvl-400" } });
    await send(app, "GET", "/api/governance/teams/00000000-0000-4000-8000-000000000000", { headers: { "x-request-id": "lvl-404" } });
    const mine = log.lines().filter((l) => l.reqId?.startsWith("lvl-"));
    expect(mine.filter((l) => l.level >= 40)).toEqual([]);
    expect(mine.filter((l) => l.msg === "client error").map((l) => [l.level, l.status, l.code])).toEqual([
      [20, 400, "VALIDATION"],
      [20, 404, "NOT_FOUND"],
    ]);

    const quiet = capture("info");
    const infoApp = createApp(config, quiet.logger);
    await send(infoApp, "POST", "/api/governance/customers", { body: "{bad" });
    expect(quiet.lines().map((l) => l.msg)).toEqual(["request"]);
  });

  it("a server fault is one error line (type, clipped message, a few frames) and a generic 500", async () => {
    const log = capture("info");
    const vk = "sk-bf-11111111-2222-4333-8444-555555555555";
    const failing = createHttpApp(config, log.logger, {
      fetch: () => {
        throw new TypeError(`boom for ${vk} ${"x".repeat(10_000)}`);
      },
    });
    const res = await send(failing, "POST", "/graphql", { body: "{}", headers: { "x-request-id": "fault-1" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ is_bifrost_error: false, status_code: 500, error: { message: "Internal server error" }, extra_fields: {} });
    const errors = log.lines().filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reqId: "fault-1", msg: "unexpected error", err: { type: "TypeError" } });
    expect(String(errors[0]!.err!.message)).toMatch(/^boom for sk-bf-\[redacted\] x+…\[\+\d+\]$/);
    expect((errors[0]!.err!.stack as string[]).length).toBeLessThanOrEqual(6);
    expect(log.raw.join("")).not.toContain("11111111-2222");
  });
});

describe("errors from Prisma and the drivers", () => {
  const vk = "sk-bf-99999999-8888-4777-8666-555555555555";

  it("a Prisma validation error (its message prints the query arguments) logs type, model and operation only", async () => {
    const log = capture();
    const err = await db.virtualKey.findMany({ where: { name: { contains: vk } }, take: "many" as unknown as number }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(vk); // what used to be logged
    log.logger.error({ err }, "unexpected error");
    log.logger.error(err as Error);
    for (const line of log.lines()) {
      expect(line.err).toEqual({ type: "PrismaClientValidationError", model: "virtualKey", operation: "findMany" });
      expect(line.msg).not.toContain("invocation");
    }
    expect(log.raw.join("")).not.toContain("99999999");
  });

  it("a known request error logs its code, model, operation and the driver's SQLSTATE", async () => {
    const log = capture();
    const err = await db.customer.create({ data: { name: `${vk}${"x".repeat(300)}` } }).catch((e: unknown) => e);
    log.logger.error({ err }, "unexpected error");
    expect(log.lines()[0]!.err).toEqual({ type: "PrismaClientKnownRequestError", code: "P2000", model: "customer", operation: "create", driverError: "LengthMismatch", sqlState: "22001" });
  });

  it("a driver error on the raw path (its message quotes the value) logs its SQLSTATE only", async () => {
    const log = capture();
    const err = await rawSql.query("SELECT $1::uuid AS id", [vk]).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(vk);
    log.logger.error({ err }, "unexpected error");
    expect(log.lines()[0]!.err).toMatchObject({ sqlState: "22P02" });
    expect(log.raw.join("")).not.toContain("99999999");
  });
});

describe("bounded lines", () => {
  it("a huge string, a wide object, a deep object and a long message still make one line under 4 KB", () => {
    const log = capture();
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, "v".repeat(100)]));
    log.logger.info({ big: "x".repeat(1_000_000), wide, deep, list: Array.from({ length: 100_000 }, () => "item") }, "m".repeat(100_000));
    log.logger.error(new Error("e".repeat(1_000_000)));
    for (const line of log.raw) {
      expect(Buffer.byteLength(line)).toBeLessThan(4096);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
