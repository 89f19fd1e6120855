/**
 * GraphiQL in a real browser: the real server (src/main.ts) on its own fresh database, headless Debian
 * Chromium through playwright-core. The page is always checked; running the default query needs GraphiQL's
 * assets, which yoga loads from a CDN unless @graphql-yoga/render-graphiql (bundled assets) is installed:
 * offline without it, that part is skipped with the reason in its name.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUrl } from "../helpers/global-setup.js";
import { hasLocalGraphiQL } from "../../src/graphql/yoga.js";
import { unique } from "../helpers/app.js";
import { http, root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const migrate = (env: Record<string, string>) =>
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });

/** A fresh, migrated database just for this server, so the default query's first rows are this test's. */
async function freshDatabase(dir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (engine === "pglite") {
    const env = { DATA_DIR: dir, DATABASE_URL: "" };
    migrate(env);
    return { env, drop: async () => {} };
  }
  const name = `gov_graphiql_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  migrate({ DATABASE_URL: url.toString() });
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const localAssets = await hasLocalGraphiQL();

describe(`GraphiQL in Chromium (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-graphiql-"));
  let server: ServerProcess;
  let browser: BrowserContext;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const names = { customer: unique("Browser-Cust"), team: unique("browser-team"), key: unique("browser-key") };

  beforeAll(async () => {
    db = await freshDatabase(dir);
    server = await startServer(db.env);
    const customer = await http(server.url, "POST", "/api/governance/customers", { name: names.customer, budget: { max_limit: 42, reset_duration: "1M" } });
    const team = await http(server.url, "POST", "/api/governance/teams", { name: names.team, customer_id: customer.body.customer.id });
    await http(server.url, "POST", "/api/governance/virtual-keys", { name: names.key, team_id: team.body.team.id, budget: { max_limit: 7, reset_duration: "1d" } });
    browser = await chromium.launchPersistentContext(path.join(dir, "profile"), { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the GraphiQL page to the browser", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/graphql`, { waitUntil: "domcontentloaded" });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("Governance GraphQL");
    expect(await response?.text()).toContain("query Overview");
    await page.close();
  });

  it.skipIf(!localAssets)("runs the default query and shows the rows this test created (needs @graphql-yoga/render-graphiql offline)", async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1400, height: 2400 });
    await page.goto(`${server.url}/graphql`);
    const run = page.locator(".graphiql-execute-button");
    await run.waitFor({ state: "visible", timeout: 20_000 });
    const answered = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST" && (r.request().postData() ?? "").includes("Overview"));
    await run.click();
    const body = (await (await answered).json()) as { data: { customers: { edges: { node: { name: string; teams: { name: string; virtualKeys: { edges: { node: { name: string } }[] } }[] } }[] } } };
    const customer = body.data.customers.edges[0]!.node;
    expect([customer.name, customer.teams[0]!.name, customer.teams[0]!.virtualKeys.edges[0]!.node.name]).toEqual([names.customer, names.team, names.key]);
    const pane = page.locator(".graphiql-response");
    await expect.poll(async () => pane.innerText(), { timeout: 20_000 }).toContain(names.customer);
    expect(await pane.innerText()).toContain(names.team);
    await page.close();
  });
});
