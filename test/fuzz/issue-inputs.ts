/**
 * The inputs issue #9 lists as 500s, each sent to a real server process (PGlite, temporary DATA_DIR); prints the
 * status each one gets. `tsx test/fuzz/issue-inputs.ts` (run it on an older checkout to see the old statuses).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, startServer, stopServer } from "../helpers/process.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "gov-issue9-"));
const env = { DATA_DIR: dir, DATABASE_URL: "" };
execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });
const server = await startServer(env);
const call = async (method: string, p: string, body?: unknown) => {
  const init: RequestInit = { method, headers: { "content-type": "application/json", "x-graphql-yoga-csrf": "1" } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(server.url + p, init);
  const text = await res.text();
  return { status: res.status, text };
};
const tag = Date.now().toString(36);
const team = JSON.parse((await call("POST", "/api/governance/teams", { name: `t${tag}` })).text).team.id;
await call("POST", "/api/providers", { provider: `p${tag}` });
const keyOf = async () => JSON.parse((await call("POST", `/api/providers/p${tag}/keys`, { name: `k${Math.random()}`, value: "env.K" })).text).key_id;

const cases: [string, () => Promise<{ status: number; text: string }>][] = [
  ["JSON nested 2,000 levels (REST body)", () => call("POST", "/api/governance/customers", `${'{"a":'.repeat(2000)}1${"}".repeat(2000)}`)],
  ["NUL in a customer name", () => call("POST", "/api/governance/customers", { name: "a\u0000b" })],
  ["NUL in search", () => call("GET", "/api/governance/customers?search=a%00")],
  ["NUL in model (check)", () => call("POST", "/api/governance/check", { model: "openai/gpt\u0000" })],
  ["NUL in a path id (provider)", () => call("GET", "/api/providers/a%00b")],
  ["NUL in a path id (MCP client)", () => call("DELETE", "/api/mcp/client/a%00b")],
  ["offset = 2^63", () => call("GET", "/api/governance/customers?offset=9223372036854775808")],
  ["lone surrogate in a team name", () => call("POST", "/api/governance/teams", '{"name":"a\\ud800"}')],
  ["name of 256 characters (customer)", () => call("POST", "/api/governance/customers", { name: "n".repeat(256) })],
  ["name of 256 characters (virtual key)", () => call("POST", "/api/governance/virtual-keys", { name: "n".repeat(256) })],
  ["budget max_limit = 1e10", () => call("PUT", `/api/governance/teams/${team}`, { budget: { max_limit: 1e10, reset_duration: "1h" } })],
  ["budget max_limit with 11 decimals (5e-11)", () => call("POST", "/api/governance/customers", { name: `m${tag}`, budget: { max_limit: 5e-11, reset_duration: "1h" } })],
  ["GraphQL: malformed relay id", () => call("POST", "/graphql", { query: '{ node(id: "VGVhbTpub3BlCg==") { id } }' })],
  ["GraphQL: customer(id:\"nope\") { teams }", () => call("POST", "/graphql", { query: '{ customer(id: "nope") { teams { name } } }' })],
  ["GraphQL: GET with variables=x", () => call("GET", "/graphql?query=%7B__typename%7D&variables=x")],
  [
    "10 parallel DELETEs of one provider key (worst status)",
    async () => {
      const key = await keyOf();
      const all = await Promise.all(Array.from({ length: 10 }, () => call("DELETE", `/api/providers/p${tag}/keys/${key}`)));
      return all.sort((a, b) => b.status - a.status)[0]!;
    },
  ],
];

for (const [label, run] of cases) {
  const { status, text } = await run();
  const internal = /INTERNAL_SERVER_ERROR|Unexpected error|Prisma query was unused/.test(text);
  console.log(`${String(status).padEnd(4)} ${internal ? "(internal error) " : ""}${label}: ${text.slice(0, 110).replace(/\s+/g, " ")}`);
}
await stopServer(server);
rmSync(dir, { recursive: true, force: true });
