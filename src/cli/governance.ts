/**
 * `npm run governance -- export [file]` and `npm run governance -- import <file> [--dry-run]`: the governance
 * section of Bifrost's config.json, on the database the environment configures (DATABASE_URL or DATA_DIR,
 * as the server). Export writes to the file (or stdout); import prints what it changed (or, with --dry-run,
 * would change) as JSON and exits 1 with the reason on a bad file. Run with the server stopped when using
 * embedded PGlite (one process owns its data directory).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { closeDatabase, openDatabase } from "../db/client.js";
import { createContext } from "../context.js";
import { camelizeKeys } from "../rest/http.js";
import { DomainError } from "../services/errors.js";
import { exportText, importGovernance } from "../services/governance-io.js";
import { loadConfigOrExit } from "../startup.js";

const [command, ...rest] = process.argv.slice(2);
const dryRun = rest.includes("--dry-run");
const file = rest.find((a) => !a.startsWith("--"));
const usage = "usage: npm run governance -- export [file] | import <file> [--dry-run]";

if (command !== "export" && command !== "import") {
  process.stderr.write(`${usage}\n`);
  process.exit(64);
}
if (command === "import" && !file) {
  process.stderr.write(`${usage}\n`);
  process.exit(64);
}

const config = loadConfigOrExit();
await openDatabase(config.database);
const ctx = createContext(); // the operator on this machine: admin
let code = 0;
try {
  if (command === "export") {
    const text = await exportText(ctx);
    if (file) writeFileSync(file, text);
    else process.stdout.write(text);
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file!, "utf8"));
    } catch (err) {
      throw new DomainError("VALIDATION", `cannot read ${file}: ${(err as Error).message}`);
    }
    // The file's keys are snake_case, as REST bodies; the service reads camelCase (what the REST edge gives it).
    const result = await importGovernance(ctx, camelizeKeys(parsed), { dryRun });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof DomainError ? err.message : String(err)}\n`);
  code = 1;
} finally {
  await closeDatabase();
}
process.exit(code);
