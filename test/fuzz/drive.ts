/**
 * Drives the hostile generator (test/fuzz/hostile.ts) against any Fetch-style target: seeds a few valid rows,
 * then sends generated requests (a fixed seed per run, so a failure replays) and tallies statuses and problems.
 */
import fc from "fast-check";
import type { Hono } from "hono";
import { emptyKnown, graphqlRequest, learn, problem, restRequest, restRoutes, type HostileRequest, type Known } from "./hostile.js";

/** `tag`: the generated request's tag (unique per request), when there is one. */
export type Send = (req: { method: string; path: string; body?: string; headers: Record<string, string>; tag?: string }) => Promise<{ status: number; text: string }>;

export interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  fiveXx: number;
  /** Distinct problems with one example request each (bounded). */
  problems: { label: string; problem: string; request: string }[];
  /** Tags of requests that were answered ≥ 400 (none of them may appear in any stored row). */
  rejectedTags: Set<string>;
  rejected: number;
}

/** Valid rows of every entity, created through the API, so generated requests also hit existing rows. */
export async function seed(send: Send, runId: string): Promise<Known> {
  const known = emptyKnown();
  const post = async (path: string, body: unknown) => {
    const res = await send({ method: "POST", path, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    if (res.status !== 200) throw new Error(`seed ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    learn(known, res.text);
    return JSON.parse(res.text);
  };
  for (let i = 0; i < 2; i++) {
    const provider = `fz${runId}p${i}`;
    await post("/api/providers", { provider });
    known.providers.push(provider);
    await post(`/api/providers/${provider}/keys`, { name: `fz${runId}k${i}`, value: "env.FUZZ_KEY", models: ["m1"] });
    const mcp = `fz${runId}mcp${i}`;
    await post("/api/mcp/client", { name: mcp, connection_type: "http", connection_string: "https://tools.example.com/mcp" });
    known.mcpClients.push(mcp);
    const c = await post("/api/governance/customers", { name: `fz${runId}c${i}`, budget: { max_limit: 10, reset_duration: "1h" } });
    const t = await post("/api/governance/teams", { name: `fz${runId}t${i}`, customer_id: c.customer.id, budget: { max_limit: 5, reset_duration: "1d" } });
    await post("/api/governance/virtual-keys", {
      name: `fz${runId}v${i}`,
      team_id: t.team.id,
      budget: { max_limit: 1, reset_duration: "1h" },
      provider_configs: [{ provider, allowed_models: ["*"], budget: { max_limit: 1, reset_duration: "1h" } }],
    });
    await post("/api/governance/model-configs", { model_name: `fz${runId}m${i}`, provider, budget: { max_limit: 2, reset_duration: "1h" } });
  }
  return known;
}

/** `count` generated requests (REST routes of `app` and GraphQL, about 3:1), `concurrency` at a time. */
export async function drive(send: Send, app: Hono<any>, known: Known, opts: { count: number; seed: number; runId: string; concurrency?: number; onProgress?: (t: Tally) => void; progressEvery?: number; stopped?: () => boolean }): Promise<Tally> {
  const routes = restRoutes(app);
  const tally: Tally = { requests: 0, byStatus: {}, fiveXx: 0, problems: [], rejectedTags: new Set(), rejected: 0 };
  const seen = new Set<string>();
  let next = 0;
  const one = async (n: number) => {
    const tag = `zq${opts.runId}x${n}z`;
    const arb = n % 4 === 3 ? graphqlRequest(known, tag) : restRequest(routes, known, tag);
    const [req] = fc.sample(arb, { seed: opts.seed + n, numRuns: 1 }) as [HostileRequest];
    let status: number;
    let text: string;
    try {
      ({ status, text } = await send(req));
    } catch (err) {
      status = 599;
      text = `transport: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}`;
    }
    tally.requests++;
    tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
    if (status >= 500) tally.fiveXx++;
    if (status >= 400 || (req.path.startsWith("/graphql") && /"errors"|"__typename":"\w*Error"/.test(text))) {
      tally.rejectedTags.add(tag);
      tally.rejected++;
    } else if (status === 200) learn(known, text);
    const p = problem(req, status, text);
    if (p) {
      const key = `${req.label} ${p.slice(0, 60)}`;
      if (!seen.has(key) && tally.problems.length < 200) {
        seen.add(key);
        tally.problems.push({ label: req.label, problem: p, request: JSON.stringify({ ...req, body: req.body?.slice(0, 500) }).slice(0, 1_000) });
      }
    }
    if (opts.onProgress && tally.requests % (opts.progressEvery ?? 5_000) === 0) opts.onProgress(tally);
  };
  const worker = async () => {
    while (next < opts.count && !opts.stopped?.()) await one(next++);
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 1 }, worker));
  return tally;
}

/** Every stored name and description, read through the API's unpaginated lists. */
export async function storedTexts(send: Send): Promise<string[]> {
  const lists = ["/api/governance/customers", "/api/governance/teams", "/api/governance/virtual-keys", "/api/governance/model-configs", "/api/providers", "/api/mcp/clients"];
  const out: string[] = [];
  for (const path of lists) {
    const res = await send({ method: "GET", path, headers: {} });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    // every string in the answer: names, descriptions, models, tools, provider names
    JSON.parse(res.text, (_k, v) => (typeof v === "string" && v.includes("zq") && out.push(v), v));
  }
  return out;
}

/** Stored text that carries a tag of a rejected request (should be empty). `names` is every stored name/description. */
export function writtenByRejected(names: string[], tally: Tally): string[] {
  const out: string[] = [];
  for (const name of names) {
    for (const m of name.matchAll(/zq\w+?x\d+z/g)) if (tally.rejectedTags.has(m[0])) out.push(name.slice(0, 80));
  }
  return out;
}
