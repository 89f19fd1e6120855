/**
 * The hostile-input test (issue #9): 2,000 generated requests per engine (test/fuzz/hostile.ts: every REST route
 * and method the Hono app registered, and GraphQL), in process. No answer is ≥ 500; every REST error is the
 * Bifrost envelope with status_code = HTTP status; GraphQL never answers an internal error; and no stored text
 * carries the tag of a request that was rejected (a rejected request wrote nothing). `npm run fuzz` runs the same
 * generator long against real server processes.
 */
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { createHttpApp } from "../../src/rest/app.js";
import { drive, seed, storedTexts, writtenByRejected, type Send } from "../fuzz/drive.js";
import { restRoutes } from "../fuzz/hostile.js";
import { app, config } from "../helpers/app.js";
import { engine } from "../helpers/setup.js";

const REQUESTS = 2_000;
const routesApp = createHttpApp(config, createLogger("silent"));

const send: Send = async ({ method, path, body, headers }) => {
  const res = await app.fetch(new Request(`http://test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
  return { status: res.status, text: await res.text() };
};

describe(`hostile input (${engine})`, () => {
  it("the generator covers every registered REST route", () => {
    const routes = restRoutes(routesApp).map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThanOrEqual(40);
    expect(routes).toEqual(expect.arrayContaining(["PUT /api/governance/customers/:id", "DELETE /api/providers/:provider/keys/:key_id", "POST /api/governance/check"]));
  });

  it(`${REQUESTS} generated requests: no 5xx, the envelope on every REST error, nothing written by a rejected request`, { timeout: 180_000 }, async () => {
    const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
    const known = await seed(send, runId);
    const tally = await drive(send, routesApp, known, { count: REQUESTS, seed: 9, runId, concurrency: 4 });
    expect(tally.problems).toEqual([]);
    expect(tally.fiveXx).toBe(0);
    expect(tally.requests).toBe(REQUESTS);
    expect(tally.rejected).toBeGreaterThan(REQUESTS / 3); // the generator is hostile enough to be refused often
    expect(Object.keys(tally.byStatus).length).toBeGreaterThanOrEqual(4);
    expect(writtenByRejected(await storedTexts(send), tally)).toEqual([]);
  });
});
