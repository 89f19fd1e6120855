/** Issue 11: `npm run governance -- import|export` as a real process (src/cli/governance.ts), on both engines. */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { root, runToExit } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

describe(`governance CLI (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env: Record<string, string> = engine === "pglite" ? { DATA_DIR: path.join(dir, "data"), DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl") };

  it("imports with --dry-run (prints the diff), imports, exports; a bad file exits 1 naming the problem", async () => {
    if (engine === "pglite") execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });
    const run = (...args: string[]) => runToExit(process.execPath, ["--import", "tsx", "src/cli/governance.ts", ...args], { ...env, LOG_LEVEL: "silent" });
    const [budget, customer] = [randomUUID(), randomUUID()];
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ client: { drop_excess_requests: false }, governance: { budgets: [{ id: budget, max_limit: 10, reset_duration: "1d" }], customers: [{ id: customer, name: `cli-${customer}`, budget_id: budget }] } }));

    const dry = await run("import", file, "--dry-run");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.lines.join("\n"))).toMatchObject({ dryRun: true, changes: { customers: { created: [customer] } } });
    const out = path.join(dir, "export.json");
    expect((await run("import", file)).code).toBe(0);
    expect((await run("export", out)).code).toBe(0);
    const exported = JSON.parse(readFileSync(out, "utf8"));
    expect(exported.governance.customers).toContainEqual({ id: customer, name: `cli-${customer}`, calendar_aligned: false, budget_ids: [budget] });

    writeFileSync(file, JSON.stringify({ governance: { teams: [{ id: randomUUID(), name: "t", customer_id: randomUUID() }] } }));
    const bad = await run("import", file);
    expect(bad.code).toBe(1);
    expect(bad.lines.join("\n")).toMatch(/references unknown customer_id/);
    expect((await run("frobnicate")).code).toBe(64);
  }, 120_000); // four short processes (and, on PGlite, one migration) on a shared 2-core machine
});
