/**
 * REST serialization cost of one `GET /api/governance/virtual-keys?limit=100` page (`npx tsx
 * test/bench/serialize.ts`; not part of `npm test`): the service's rows → Bifrost JSON text, in process, against
 * the floor of `JSON.stringify` over the finished JSON value (no shaping, no Date/Decimal conversion). Prints CPU µs per page and the ratio.
 * TEST_DATABASE_URL: admin URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync } from "node:child_process";
import pg from "pg";
import { createContext } from "../../src/context.js";
import { closeDatabase, openDatabase } from "../../src/db/client.js";
import { listEnvelope, virtualKey } from "../../src/rest/serialize.js";
import { listVirtualKeys } from "../../src/services/virtual-keys.js";
import { root } from "../helpers/process.js";
import { seedCustomers } from "./side-by-side/seed.js";
import { benchDatabase } from "./database.js";

const db = await benchDatabase("gov_bench_serialize");
const client = new pg.Client({ connectionString: db.url });
try {
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: "ignore" });
  await client.connect();
  await seedCustomers(client, 0, 1);
  await openDatabase({ kind: "postgres", url: db.url }, { poolSize: 2 });
  const page = await listVirtualKeys(createContext(), { limit: "100", offset: "0" });
  const time = (label: string, f: () => string) => {
    for (let i = 0; i < 200; i++) f(); // warm up
    const rounds = 2_000;
    // CPU time of this process, not wall time: other processes on the machine do not count.
    const t0 = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < rounds; i++) bytes = f().length;
    const used = process.cpuUsage(t0);
    const us = (used.user + used.system) / rounds;
    console.log(`${label.padEnd(34)} ${us.toFixed(0).padStart(6)} µs/page  ${(bytes / 1024).toFixed(0)} KiB`);
    return us;
  };
  const serialize = () => JSON.stringify(listEnvelope("virtual_keys", page, (vk) => virtualKey(vk)));
  const shaped = JSON.parse(serialize()) as unknown;
  // Alternating rounds: the machine's load changes both sides alike.
  let ours = Infinity;
  let floor = Infinity;
  for (let round = 0; round < 3; round++) {
    ours = Math.min(ours, time("ours: rows → Bifrost JSON text", serialize));
    floor = Math.min(floor, time("floor: JSON.stringify(same JSON)", () => JSON.stringify(shaped)));
  }
  console.log(`best rounds: ours ${ours.toFixed(0)} µs, floor ${floor.toFixed(0)} µs per page; ours / floor: ${(ours / floor).toFixed(2)}× time (100 keys with budget, rate limit, provider config)`);
} finally {
  await closeDatabase();
  await client.end();
  await db.drop();
}
