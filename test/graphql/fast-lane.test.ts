/**
 * The fast lane (src/graphql/fast-lane.ts) answers a repeated compiled read exactly as yoga does — same status,
 * media type and bytes — and hands everything else to yoga: other media types and body shapes, documents yoga has
 * not run, variables that fail or push the cost over the limit, callers who may not read, persisted-operations mode.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/context.js";
import { fastLane } from "../../src/graphql/fast-lane.js";
import { createLogger } from "../../src/logger.js";
import { createApp, type App } from "../../src/server.js";
import { createManagementKey } from "../../src/services/management-keys.js";
import { bearer, freshAddress, revokeAllKeys } from "../access/fixtures.js";
import { app, rest, unique } from "../helpers/app.js";

const prefix = unique("lane");

beforeAll(async () => {
  for (let ci = 0; ci < 2; ci++) {
    const c = await rest("POST", "/api/governance/customers", { name: `${prefix}-c${ci}`, budgets: [{ max_limit: 10, reset_duration: "1d" }] });
    expect(c.status).toBe(200);
    for (let ki = 0; ki < 4; ki++) {
      const k = await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-c${ci}-k${ki}`, customer_id: c.body.customer.id, budget: { max_limit: 1.5, reset_duration: "1h" } });
      expect(k.status).toBe(200);
    }
  }
});

afterAll(async () => {
  fastLane.enabled = true;
  await revokeAllKeys();
});

interface Sent {
  status: number;
  type: string | null;
  text: string;
}

async function send(target: App, body: string, headers: Record<string, string> = {}, method = "POST", query = ""): Promise<Sent> {
  // A credential is read from a remote caller only (in process, the caller is the local admin).
  const env = headers.authorization ? { incoming: { socket: { remoteAddress: freshAddress() } } } : undefined;
  const res = await target.fetch(
    new Request(`http://test/graphql${query}`, { method, headers: { "content-type": "application/json", ...headers }, ...(method === "POST" ? { body } : {}) }),
    env,
  );
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

/** Sends `body` to yoga (lane off), then twice with the lane on; returns the answers and how many the lane took. */
async function threeTimes(body: string, headers: Record<string, string> = {}, target: App = app) {
  fastLane.enabled = false;
  const yoga = await send(target, body, headers).finally(() => (fastLane.enabled = true));
  const served = fastLane.served;
  const first = await send(target, body, headers);
  const second = await send(target, body, headers);
  return { yoga, first, second, laneAnswers: fastLane.served - served };
}

const page = `query Page($s: String!, $first: Int, $after: String) {
  virtualKeys(first: $first, after: $after, filter: { search: $s }) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id uuid name isActive createdAt budget { maxLimit resetDuration } } }
  }
}`;
const nested = `fragment K on VirtualKey { name uuid }
  query Nested($s: String!) {
    a: customers(first: 5, filter: { search: $s }) { totalCount edges { node { __typename name budget { maxLimit } virtualKeys(first: 2) { totalCount edges { node { ...K } } } } } }
    b: virtualKeys(last: 3, filter: { search: $s }, orderBy: { field: NAME, direction: DESC }) { pageInfo { hasPreviousPage endCursor } edges { __typename cursor node { ...K } } }
  }`;

describe("the lane answers what yoga answers", () => {
  const accepts: Record<string, string>[] = [
    {},
    { accept: "*/*" },
    { accept: "application/json" },
    { accept: "application/graphql-response+json" },
    { accept: "application/json; charset=utf-8" },
    { accept: "application/*" },
  ];
  for (const headers of accepts) {
    it(`same status, media type and bytes (Accept: ${headers.accept ?? "none"})`, async () => {
      for (const body of [
        JSON.stringify({ query: page, variables: { s: prefix, first: 3 } }),
        JSON.stringify({ query: nested, variables: { s: prefix }, operationName: "Nested" }),
        JSON.stringify({ query: page, variables: { s: prefix, first: 2 }, operationName: null }),
      ]) {
        const { yoga, first, second, laneAnswers } = await threeTimes(body, headers);
        expect(yoga.status).toBe(200);
        expect(yoga.text).toContain(prefix);
        expect(first).toEqual(yoga);
        expect(second).toEqual(yoga);
        expect(laneAnswers).toBeGreaterThanOrEqual(1);
      }
    });
  }

  it("pages on with a cursor from an answer it gave, and the next page is yoga's too", async () => {
    const one = JSON.parse((await threeTimes(JSON.stringify({ query: page, variables: { s: prefix, first: 3 } }))).second.text);
    const body = JSON.stringify({ query: page, variables: { s: prefix, first: 3, after: one.data.virtualKeys.pageInfo.endCursor } });
    const { yoga, second, laneAnswers } = await threeTimes(body);
    expect(laneAnswers).toBe(2);
    expect(second).toEqual(yoga);
    expect(JSON.parse(second.text).data.virtualKeys.edges).toHaveLength(3);
  });
});

describe("what the lane does not take goes to yoga, answered as yoga answers it", () => {
  const admitted = { query: page, variables: { s: prefix, first: 2 } };
  const cases: [string, string, Record<string, string>][] = [
    ["another media type", JSON.stringify(admitted), { accept: "text/html" }],
    ["an Accept with a quality", JSON.stringify(admitted), { accept: "application/json;q=0.9" }],
    ["several media types", JSON.stringify(admitted), { accept: "application/json, multipart/mixed" }],
    ["extensions in the body", JSON.stringify({ ...admitted, extensions: {} }), {}],
    ["an operation name the document does not have", JSON.stringify({ ...admitted, operationName: "Other" }), {}],
    ["variables as an array", JSON.stringify({ ...admitted, variables: [] }), {}],
    ["a batch", JSON.stringify([admitted]), {}],
    ["invalid JSON", "{", {}],
    ["a variable of the wrong type", JSON.stringify({ ...admitted, variables: { s: prefix, first: "two" } }), {}],
    ["a value the resolver refuses", JSON.stringify({ ...admitted, variables: { s: prefix, first: -1 } }), {}],
    ["a cursor that is not one", JSON.stringify({ ...admitted, variables: { s: prefix, first: 2, after: "nope" } }), {}],
    ["application/graphql+json", JSON.stringify(admitted), { "content-type": "application/graphql+json" }],
  ];
  it("(the document is admitted first)", async () => {
    expect((await threeTimes(JSON.stringify(admitted))).laneAnswers).toBe(2);
  });
  for (const [name, body, headers] of cases) {
    it(name, async () => {
      const { yoga, first, second, laneAnswers } = await threeTimes(body, headers);
      expect(laneAnswers).toBe(0);
      expect(first).toEqual(yoga);
      expect(second).toEqual(yoga);
    });
  }

  it("a GET is yoga's", async () => {
    const served = fastLane.served;
    const get = await send(app, "", { accept: "application/json" }, "GET", `?query=${encodeURIComponent(page)}&variables=${encodeURIComponent(JSON.stringify({ s: prefix, first: 1 }))}`);
    expect(get.status).toBe(200);
    expect(fastLane.served).toBe(served);
  });
});

describe("the cost model is applied per request", () => {
  // virtualKeys(first: n) { edges { node { name } } } costs n + 1; the default page is 20.
  const limited = createApp(loadConfig({ ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "", GRAPHQL_MAX_COMPLEXITY: "50" }), createLogger("silent"));
  const query = `query($s: String!, $n: Int = 100) { virtualKeys(first: $n, filter: { search: $s }) { edges { node { name } } } }`;
  const body = (variables: Record<string, unknown>) => JSON.stringify({ query, variables: { s: prefix, ...variables } });

  it("a variable that raises the cost over the limit gets yoga's error; absent and null are told apart", async () => {
    expect((await threeTimes(body({ n: 5 }), {}, limited)).laneAnswers).toBe(2);
    const over = await threeTimes(body({ n: 60 }), {}, limited);
    expect(over.laneAnswers).toBe(0);
    expect(over.second).toEqual(over.yoga);
    expect(JSON.parse(over.yoga.text).errors[0].extensions.code).toBe("QUERY_COMPLEXITY");
    const absent = await threeTimes(body({}), {}, limited); // the default, 100
    expect(absent.laneAnswers).toBe(0);
    expect(JSON.parse(absent.second.text).errors[0].extensions.code).toBe("QUERY_COMPLEXITY");
    const nulled = await threeTimes(body({ n: null }), {}, limited); // null: the default page of 20
    expect(nulled.laneAnswers).toBe(2);
    expect(nulled.second).toEqual(nulled.yoga);
  });
});

describe("persisted-operations mode", () => {
  it("turns the lane off", async () => {
    const persisted = createApp(
      loadConfig({ ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "", GRAPHQL_PERSISTED_OPERATIONS: "test/gql/persisted-documents.json", GRAPHQL_ALLOW_ARBITRARY_OPERATIONS: "true" }),
      createLogger("silent"),
    );
    const { yoga, second, laneAnswers } = await threeTimes(JSON.stringify({ query: page, variables: { s: prefix, first: 2 } }), {}, persisted);
    expect(laneAnswers).toBe(0);
    expect(second).toEqual(yoga);
  });
});

describe("metrics", () => {
  it("a lane answer counts in yoga's operation metrics", async () => {
    const count = async () => {
      const text = (await rest("GET", "/metrics")).body as string;
      return Number(/^graphql_envelop_request\{operationType="query"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const body = JSON.stringify({ query: page, variables: { s: prefix, first: 1 } });
    await send(app, body);
    const before = await count();
    const served = fastLane.served;
    await send(app, body);
    expect(fastLane.served - served).toBe(1);
    expect((await count()) - before).toBe(1);
    expect((await rest("GET", "/metrics")).body).not.toMatch(/graphql_yoga_http_duration|graphql_envelop_phase_parse|graphql_envelop_request_time_summary/);
  });
});

describe("callers (last: management keys turn credentials on)", () => {
  it("a customer-admin gets its own customer's rows from the lane, as from yoga; a wrong credential gets yoga's error", async () => {
    const [own] = (await rest("GET", `/api/governance/customers?search=${prefix}-c0`)).body.customers as { id: string }[];
    const admin = await createManagementKey(createContext(), { name: unique("lane-admin"), role: "admin" });
    const scoped = await createManagementKey(createContext(), { name: unique("lane-ca"), role: "customer-admin", customerId: own!.id });
    const body = JSON.stringify({ query: page, variables: { s: prefix, first: 10 } });
    expect((await threeTimes(body, bearer(admin.value))).laneAnswers).toBe(2);
    const mine = await threeTimes(body, bearer(scoped.value));
    expect(mine.laneAnswers).toBe(2);
    expect(mine.second).toEqual(mine.yoga);
    expect(JSON.parse(mine.second.text).data.virtualKeys.totalCount).toBe(4);
    const wrong = await threeTimes(body, bearer("sk-gov-wrong"));
    expect(wrong.laneAnswers).toBe(0);
    expect(wrong.second).toEqual(wrong.yoga);
  });
});
