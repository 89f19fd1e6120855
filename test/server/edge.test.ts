/**
 * The HTTP edge (src/rest/app.ts) in a real server process, over one keep-alive connection: what in-process
 * tests cannot see because @hono/node-server is not in the way there. A body nobody read is read before the
 * answer and the connection stays usable; a content-length over the limit is 413 from the header; a chunked one
 * is 413 while reading; request ids and secure headers on every answer; compression when accepted, from 1 KiB; one
 * access line per request with its reqId: batched (src/logger.ts), written within a second while serving and all
 * of them by the time the process stops on SIGTERM.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  reused: boolean;
}

const MiB = 1024 * 1024;

describe(`the edge over real HTTP (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-edge-"));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let server: ServerProcess;
  const ids: string[] = [];

  /** One request on the agent's single socket; `body` as a string (content-length) or as chunks (chunked). */
  const send = (method: string, p: string, opts: { body?: string | string[]; headers?: Record<string, string> } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const id = `edge-${engine}-${ids.length}`;
      ids.push(id);
      const chunked = Array.isArray(opts.body);
      const headers: Record<string, string | number> = { "x-request-id": id, ...opts.headers };
      if (opts.body !== undefined) headers["content-type"] = "application/json";
      if (typeof opts.body === "string") headers["content-length"] = Buffer.byteLength(opts.body);
      const req = request(`${server.url}${p}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), reused: req.reusedSocket }));
      });
      req.on("error", reject);
      if (chunked) for (const chunk of opts.body as string[]) req.write(chunk);
      req.end(chunked ? undefined : opts.body);
    });

  beforeAll(async () => {
    const env: Record<string, string> = engine === "pglite" ? { DATA_DIR: dir, DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl") };
    if (engine === "pglite") execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });
    server = await startServer({ ...env, MIGRATE_ON_START: "false" });
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("request id and secure headers; compression when accepted, from 1 KiB on (not /health's 40 bytes)", async () => {
    const plain = await send("GET", "/health");
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body.toString())).toMatchObject({ status: "ok" });
    expect(plain.headers["x-request-id"]).toBe(ids.at(-1));
    expect(plain.headers["x-content-type-options"]).toBe("nosniff");
    expect(plain.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const fresh = await send("GET", "/health", { headers: { "x-request-id": "not sane!" } });
    expect(fresh.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    ids[ids.length - 1] = fresh.headers["x-request-id"] as string;
    const small = await send("GET", "/health", { headers: { "accept-encoding": "gzip, deflate" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.headers["content-length"]).toBe(String(small.body.length));
    const openapi = await send("GET", "/openapi.json");
    expect(openapi.headers["vary"]).toBe("Accept-Encoding");
    expect(openapi.headers["content-encoding"]).toBeUndefined();
    const zipped = await send("GET", "/openapi.json", { headers: { "accept-encoding": "gzip, deflate" } });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["vary"]).toBe("Accept-Encoding");
    expect(zipped.headers["content-length"]).toBe(String(zipped.body.length));
    expect(gunzipSync(zipped.body).toString()).toBe(openapi.body.toString());
    const deflated = await send("GET", "/openapi.json", { headers: { "accept-encoding": "deflate" } });
    expect(deflated.headers["content-encoding"]).toBe("deflate");
    expect(inflateSync(deflated.body).toString()).toBe(openapi.body.toString());
    const weighted = await send("GET", "/openapi.json", { headers: { "accept-encoding": "deflate;q=1, gzip;q=0.5" } }); // hono/compress decides
    expect(weighted.headers["content-encoding"]).toBe("deflate");
    expect(inflateSync(weighted.body).toString()).toBe(openapi.body.toString());
    expect(zipped.reused).toBe(true);
  });

  it("early answers read the body first: the keep-alive connection stays usable (content-length and chunked)", async () => {
    const early: [string, string, string | string[], number][] = [
      ["POST", "/api/nope", '{"name":"x"}', 404],
      ["DELETE", "/api/governance/virtual-keys/quota", '{"name":"x"}', 405],
      ["PUT", "/api/providers/%ED%A0%80/keys/x", '{"name":"x"}', 400],
      ["POST", "/api/nope", ['{"name":', '"x"}'], 404],
      ["POST", "/graphql", JSON.stringify({ query: "{ __typename }" }), 200],
    ];
    for (const [method, p, body, status] of early) {
      const res = await send(method, p, { body });
      expect(res.status).toBe(status);
      expect(res.headers["x-request-id"]).toBe(ids.at(-1));
      expect(res.headers["connection"]).not.toBe("close");
      expect(res.reused).toBe(true);
    }
    expect((await send("GET", "/health")).reused).toBe(true);
  });

  it("a body over the limit is 413 in the envelope: from content-length, and while reading a chunked one", async () => {
    const big = `{"name":"${"x".repeat(MiB)}"}`;
    for (const body of [big, [big.slice(0, MiB / 2), big.slice(MiB / 2)]]) {
      const res = await send("POST", "/api/governance/customers", { body });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body.toString())).toMatchObject({ status_code: 413, error: { message: `Request body too large: the limit is ${MiB} bytes` } });
    }
  });

  it("access lines are batched, written within a second while the server runs", async () => {
    await send("GET", "/health");
    const id = ids.at(-1)!;
    for (let waited = 0; waited < 2_000 && !server.logs.some((l) => l.includes(`"reqId":"${id}"`)); waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(server.logs.filter((l) => l.includes(`"reqId":"${id}"`))).toHaveLength(1);
  });

  it("one access line per request with its reqId, all written when the process stops", async () => {
    const sent = [...ids];
    expect(await stopServer(server)).toBe(0);
    const access = server.logs.map((l) => JSON.parse(l) as { msg: string; reqId?: string; route?: string | null; status?: number }).filter((l) => l.msg === "request");
    for (const id of sent) expect(access.filter((l) => l.reqId === id), id).toHaveLength(1);
    expect(access.find((l) => l.reqId === sent[0])).toMatchObject({ route: "/health", status: 200 });
    expect(server.logs.at(-1)).toContain('"msg":"stopped"');
  });
});
