/**
 * GraphiQL in a real browser: the real server (src/main.ts) on its own fresh database, headless Debian
 * Chromium through playwright-core, no network beyond loopback (GraphiQL's assets are bundled by
 * @graphql-yoga/render-graphiql). Runs the default query with the run button and reads the result pane.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUrl } from "../helpers/global-setup.js";
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
  });

  /** A browser with a fresh profile (GraphiQL keeps its tabs in localStorage between visits). */
  let profiles = 0;
  const launch = async () => {
    await browser?.close();
    browser = await chromium.launchPersistentContext(path.join(dir, `profile-${profiles++}`), { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
    return browser;
  };

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the GraphiQL page to the browser", async () => {
    const page = await (await launch()).newPage();
    const response = await page.goto(`${server.url}/graphql`, { waitUntil: "domcontentloaded" });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("Governance GraphQL");
    expect(await response?.text()).toContain("query Overview");
    await page.close();
  });

  it("runs the default query and shows the rows this test created in the result pane", async () => {
    const page = await (await launch()).newPage();
    await page.setViewportSize({ width: 1400, height: 2400 });
    await page.goto(`${server.url}/graphql`);
    const run = page.locator(".graphiql-execute-button");
    await run.waitFor({ state: "visible", timeout: 20_000 });
    const isOverview = (r: { url(): string; method(): string; postData(): string | null }) =>
      r.url().endsWith("/graphql") && r.method() === "POST" && (r.postData() ?? "").includes("query Overview");
    const answered = page.waitForResponse((r) => isOverview(r.request()), { timeout: 25_000 });
    // GraphiQL ignores a click until its editors have loaded: click until the request goes out.
    let sent = false;
    page.on("request", (r) => void (sent ||= isOverview(r)));
    await expect
      .poll(async () => {
        if (!sent) await run.click();
        return sent;
      }, { timeout: 20_000, interval: 1_000 })
      .toBe(true);
    const body = (await (await answered).json()) as { data: { customers: { edges: { node: { name: string; teams: { name: string; virtualKeys: { edges: { node: { name: string } }[] } }[] } }[] } } };
    const customer = body.data.customers.edges[0]!.node;
    expect([customer.name, customer.teams[0]!.name, customer.teams[0]!.virtualKeys.edges[0]!.node.name]).toEqual([names.customer, names.team, names.key]);
    const pane = page.locator(".graphiql-response");
    await expect.poll(async () => pane.innerText(), { timeout: 20_000 }).toContain(names.customer);
    expect(await pane.innerText()).toContain(names.team);
    await page.close();
  });
});
