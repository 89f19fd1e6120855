/**
 * The README runs: its GraphQL documents and its curl examples (the ```sh blocks that call curl, in order, in one
 * bash session, so variables carry over) run against a real server on a fresh database, as written: only the
 * address http://localhost:8080 is replaced by the test server's. curl is wrapped with --fail-with-body, so any
 * 4xx/5xx fails the run; every GraphQL document must answer without errors.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const readme = readFileSync(path.join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
const graphqlDocuments = blocks.filter((b) => b.lang === "graphql").map((b) => b.code);
const curlScripts = blocks.filter((b) => b.lang === "sh" && /\bcurl\b/.test(b.code)).map((b) => b.code);

/** Every key path of a JSON value (array elements as []). */
function paths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => paths(v, `${prefix}[]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...paths(v, `${prefix}.${k}`)]);
  return [];
}

describe(`README examples on a real server (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-readme-"));
  let server: ServerProcess;
  let drop = async () => {};

  beforeAll(async () => {
    let env: Record<string, string> = { DATA_DIR: dir, DATABASE_URL: "" };
    if (engine === "postgres") {
      const name = `gov_readme_${process.pid}_${Date.now()}`;
      const admin = async (sql: string) => {
        const c = new pg.Client({ connectionString: inject("databaseUrl") });
        await c.connect();
        await c.query(sql).finally(() => c.end());
      };
      await admin(`CREATE DATABASE "${name}"`);
      drop = () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      const url = new URL(inject("databaseUrl"));
      url.pathname = `/${name}`;
      env = { DATABASE_URL: url.toString() };
    }
    server = await startServer(env); // default limits (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY): what a reader gets
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server);
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refers to nothing outside this repository", () => {
    expect(readme).not.toMatch(/\.\.\/shared|\/work\//);
    expect(graphqlDocuments.length).toBeGreaterThanOrEqual(1);
    expect(curlScripts.length).toBeGreaterThanOrEqual(2);
  });

  it("every curl example succeeds, in order", () => {
    const script = ["set -euo pipefail", 'curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }', ...curlScripts].join("\n").replaceAll("http://localhost:8080", server.url);
    let output: string;
    try {
      output = execFileSync("bash", ["-c", script], { encoding: "utf8", timeout: 60_000 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; status?: number };
      throw new Error(`README curl examples failed (exit ${e.status}):\n${e.stdout ?? ""}\n${e.stderr ?? ""}`, { cause: err });
    }
    console.log(`[measure] README: ran ${curlScripts.length} curl blocks (${(curlScripts.join("\n").match(/\bcurl -/g) ?? []).length} curl calls) and ${graphqlDocuments.length} GraphQL documents`);
    // The documented check and usage responses use only fields the real ones have.
    const real = output.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const documented = blocks.filter((b) => b.lang === "json").map((b) => JSON.parse(b.code) as Record<string, unknown>);
    for (const [doc, got] of [
      [documented.find((d) => d.type === "allow"), real.find((r) => r.type === "allow")],
      [documented.find((d) => d.message === "Usage recorded successfully"), real.find((r) => r.message === "Usage recorded successfully")],
    ]) {
      expect(doc).toBeDefined();
      expect(got).toBeDefined();
      expect(paths(doc).filter((p) => !paths(got).includes(p))).toEqual([]);
    }
  });

  it("every GraphQL document runs without errors under the default limits", async () => {
    for (const query of graphqlDocuments) {
      const res = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
      expect({ status: res.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
      expect(body.data).toBeTruthy();
    }
  });
});
