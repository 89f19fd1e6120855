/**
 * /docs in a real browser: the real server, headless Debian Chromium (playwright-core). Swagger UI loads its
 * bundled assets and /openapi.json from the server itself (no request leaves it), and renders every operation.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { restRoutes } from "../../src/rest/app.js";
import { startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe(`REST reference at /docs in Chromium (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-docs-"));
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startServer(engine === "pglite" ? { DATA_DIR: dir, DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl"), MIGRATE_ON_START: "false" });
    browser = await chromium.launchPersistentContext(path.join(dir, "profile"), { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders every operation from /openapi.json with assets from the server only", async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`${server.url}/docs`);
    expect(response?.status()).toBe(200);
    await page.locator(".opblock").first().waitFor({ state: "visible", timeout: 30_000 });
    await expect.poll(() => page.locator(".opblock").count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(restRoutes.length);
    expect(await page.locator(".info .title").innerText()).toContain("Governance service REST API");
    await expect.poll(() => page.locator(".opblock-summary-path").allInnerTexts()).toContain("/api/governance/check");
    expect(requested.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"))).toEqual([]);
    expect(requested).toContain(`${server.url}/openapi.json`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
