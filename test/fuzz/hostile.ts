/**
 * The hostile-input generator (issue #9), shared by the test (test/server/hostile.test.ts, in process) and the
 * long run (`npm run fuzz`, test/fuzz/run.ts, a real server): fast-check arbitraries for requests to every REST
 * route and method (read from the Hono app's registered routes, so a new route is covered without a change here)
 * and to /graphql. Values are what a hostile client sends: NUL bytes, lone surrogates, over-long names, money past
 * numeric(20,10), offsets past 2^63, LIKE wildcards, deep nesting, wrong types, random ids. Every text value a
 * request writes carries the request's tag (`zq<n>z`), so a test can prove a rejected request wrote nothing.
 */
import fc from "fast-check";
import type { Hono } from "hono";

export interface RouteSpec {
  method: string;
  path: string;
}

/** The REST routes a Hono app registered (method handlers only: not middleware, not the 405 catch-alls). */
export function restRoutes(app: Hono<any>): RouteSpec[] {
  const seen = new Set<string>();
  const out: RouteSpec[] = [];
  for (const r of app.routes) {
    if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method) || !r.path.startsWith("/api/")) continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.add(key), out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** Ids of rows that exist, so requests reach the code behind the 404s. Filled by the caller as it creates rows. */
export interface Known {
  customers: string[];
  teams: string[];
  keys: string[];
  providers: string[];
  providerKeys: string[];
  mcpClients: string[];
  modelConfigs: string[];
  budgets: string[];
}

export interface HostileRequest {
  method: string;
  path: string;
  /** A raw body (already text), or undefined. */
  body?: string;
  headers: Record<string, string>;
  /** The tag every text value of this request carries. */
  tag: string;
  /** Label for the report: route pattern or GraphQL operation. */
  label: string;
}

/** Lone surrogates replaced (a URL cannot carry them: encodeURIComponent throws). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

const NASTY = ["\u0000", "\ud800", "\udfff", "a\u0000b", "x\ud83dy", "%", "_", "\\", "%_%", "'; drop table customers; --", "\u202e", "💥", " ", ""];

/** A string a hostile client would send; `tag` is embedded where the string could become stored text. */
const text = (tag: string) => fc.oneof(shortText(tag), fc.constantFrom(10_000, 70_000).map((n) => `${tag}${"L".repeat(n)}`));
/** The same without the very long strings (for URLs: Node answers 431 itself past 16 KB of headers). */
const shortText = (tag: string) =>
  fc.oneof(
    fc.constantFrom(...NASTY).map((s) => `${tag}${s}`),
    fc.constantFrom(...NASTY),
    fc.string({ maxLength: 20, unit: "binary" }).map((s) => `${tag}${s}`),
    fc.integer({ min: 240, max: 300 }).map((n) => `${tag}${"n".repeat(n)}`),
    fc.constant(tag),
  );

const money = fc.oneof(
  fc.constantFrom(1e10, 1e300, -1, 0, 0.5, 1.12345678901, 123.00000000001, 5e-11, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 63),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const integer = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, 2 ** 63, -(2 ** 63), 1e20, 1.5),
  fc.integer(),
);
const durations = fc.constantFrom("1h", "1d", "1M", "0s", "-1h", "99999999999h", "1h\u0000", "\ud800", "1y", "", "1w");

const uuid = fc.uuid();
const idFrom = (pool: string[]) => (pool.length ? fc.oneof(fc.constantFrom(...pool), uuid) : uuid);

/** Any JSON value, shallow; hostile scalars. */
const junk = (tag: string): fc.Arbitrary<unknown> =>
  fc.oneof(text(tag), money, integer, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.array(text(tag), { maxLength: 3 }));

function budget(tag: string) {
  return fc.record({ max_limit: fc.oneof(money, junk(tag)), reset_duration: fc.oneof(durations, junk(tag)), calendar_aligned: fc.boolean() }, { requiredKeys: [] });
}
function rateLimit(tag: string) {
  return fc.record(
    { token_max_limit: fc.oneof(integer, junk(tag)), token_reset_duration: durations, request_max_limit: fc.oneof(integer, junk(tag)), request_reset_duration: durations },
    { requiredKeys: [] },
  );
}

/** A body with the fields of every entity (most are unknown to any one route: the route must say 400, not 500). */
function body(tag: string, known: Known): fc.Arbitrary<Record<string, unknown>> {
  const providerConfig = fc.record(
    {
      provider: fc.oneof(idFrom(known.providers), text(tag)),
      weight: fc.oneof(money, junk(tag)),
      allowed_models: fc.array(text(tag), { maxLength: 3 }),
      budget: budget(tag),
      rate_limit: rateLimit(tag),
      key_ids: fc.array(fc.oneof(idFrom(known.providerKeys), text(tag)), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  const fields = {
    name: text(tag),
    description: text(tag),
    model_name: text(tag),
    model: text(tag),
    provider: fc.oneof(idFrom(known.providers), text(tag)),
    value: text(tag),
    customer_id: fc.oneof(idFrom(known.customers), text(tag)),
    team_id: fc.oneof(idFrom(known.teams), text(tag)),
    is_active: fc.oneof(fc.boolean(), junk(tag)),
    budget: budget(tag),
    budgets: fc.array(budget(tag), { maxLength: 2 }),
    rate_limit: rateLimit(tag),
    provider_configs: fc.array(providerConfig, { maxLength: 2 }),
    mcp_configs: fc.array(fc.record({ mcp_client_name: fc.oneof(idFrom(known.mcpClients), text(tag)), tools_to_execute: fc.array(text(tag), { maxLength: 2 }) }), { maxLength: 2 }),
    models: fc.array(text(tag), { maxLength: 3 }),
    weight: money,
    amount: money,
    mode: fc.constantFrom("add", "set", "replace", tag),
    cost: money,
    tokens: integer,
    estimated_tokens: integer,
    request_id: text(tag),
    success: fc.boolean(),
    connection_type: fc.constantFrom("http", "sse", "stdio", "websocket", tag),
    connection_string: text(tag),
    tools_to_execute: fc.array(text(tag), { maxLength: 3 }),
    headers: fc.dictionary(text(tag), text(tag), { maxKeys: 2 }),
    reset_budget_usage: fc.boolean(),
    calendar_aligned: fc.oneof(fc.boolean(), junk(tag)),
    // pricing (model prices and pricing overrides)
    input_cost_per_token: money,
    output_cost_per_token: money,
    cached_input_cost_per_token: money,
    cache_read_input_token_cost: money,
    pattern: text(tag),
    scope_kind: fc.constantFrom("global", "provider", "virtual_key", tag),
    match_type: fc.constantFrom("exact", "prefix", "regex", tag),
    provider_id: fc.oneof(idFrom(known.providers), text(tag)),
    request_types: fc.array(text(tag), { maxLength: 2 }),
    patch: fc.dictionary(fc.constantFrom("input_cost_per_token", "output_cost_per_token", tag), money, { maxKeys: 2 }),
  };
  return fc.record(fields, { requiredKeys: [] });
}

/** A raw body text: usually a JSON object, sometimes malformed or deeply nested. */
function bodyText(tag: string, known: Known): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: body(tag, known).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 100_000).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 100_000).map((n) => `{"name":${"[".repeat(n)}${"]".repeat(n)}}`) },
    { weight: 1, arbitrary: fc.constantFrom("", "null", "[]", "1", '"x"', "{", '{"name":"\\u0000"}', '{"name":"\\ud800"}', `{"name":"${tag}","name":"${tag}\\u0000"}`) },
    { weight: 1, arbitrary: junk(tag).map((v) => JSON.stringify(v) ?? "null") },
  );
}

/** A value for one path segment: a real id, a random uuid, or something hostile (percent-encoded as a client would). */
function segment(name: string, known: Known, tag: string): fc.Arbitrary<string> {
  const pool =
    name === "provider" || name === "name"
      ? [...known.providers, ...known.mcpClients]
      : name === "key_id"
        ? known.providerKeys
        : name === "budget_id"
          ? known.budgets
          : name === "vk_id"
            ? known.keys
            : [...known.customers, ...known.teams, ...known.keys, ...known.modelConfigs];
  return fc
    .oneof(
      { weight: 3, arbitrary: idFrom(pool) },
      { weight: 1, arbitrary: fc.constantFrom("nope", "%00", "a%00b", "%ED%A0%80", "%EF%BF%BF", "%25", "%5F", "..", "%2F", "9".repeat(30), "x".repeat(300), "-1") },
      { weight: 1, arbitrary: shortText(tag).map((s) => encodeURIComponent(wellFormed(s))) },
    )
    .map((s) => (s.includes("%") || /^[\w.-]*$/.test(s) ? s : encodeURIComponent(wellFormed(s))));
}

function query(tag: string): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom("0", "-1", "1", "101", "9223372036854775808", "18446744073709551616", "1e3", "1.5", "0x10", " 5", "%00", "abc", ""),
    shortText(tag).map((s) => encodeURIComponent(wellFormed(s))),
    fc.constantFrom("%25", "%5F", "%5C", "%00", "a%00"),
  );
  const keys = fc.constantFrom("limit", "offset", "search", "from_memory", "customer_id", "team_id", "model", "provider");
  return fc.array(fc.tuple(keys, value), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
}

const HEADERS = fc.record(
  { "x-bf-vk": fc.constantFrom("sk-bf-nope", "sk-bf-\u00e9", "", "x".repeat(300)), authorization: fc.constantFrom("Bearer sk-bf-nope", "Bearer ", "Basic eA==") },
  { requiredKeys: [] },
);

/** One REST request to a registered route (or a method it does not take), with hostile path, query and body. */
export function restRequest(routes: RouteSpec[], known: Known, tag: string): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const segs = fc.tuple(...names.map((n) => segment(n, known, tag)));
    const wantsBody = route.method === "POST" || route.method === "PUT" || route.method === "PATCH";
    return fc
      .record({
        segs: names.length ? segs : fc.constant([] as string[]),
        q: query(tag),
        body: wantsBody ? bodyText(tag, known) : fc.option(bodyText(tag, known), { freq: 8, nil: undefined }),
        headers: HEADERS,
        method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH") }),
      })
      .map(({ segs, q, body, headers, method }) => {
        let i = 0;
        const path = route.path.replace(/:(\w+)/g, () => segs[i++]!) + q;
        const withBody = method !== "GET" && body !== undefined;
        return {
          method,
          path,
          ...(withBody ? { body } : {}),
          headers: { "content-type": "application/json", ...headers },
          tag,
          label: `${route.method} ${route.path}`,
        };
      });
  });
}

/** GraphQL operations: every root field with hostile arguments, plus malformed and abusive documents. */
const GRAPHQL_OPERATIONS: { name: string; query: string; vars: (tag: string, known: Known) => fc.Arbitrary<Record<string, unknown>> }[] = [
  { name: "customer", query: "query($id:String!){customer(id:$id){id name teams{name} budgets{maxLimit} rateLimit{id}}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.customers) }) },
  { name: "team", query: "query($id:String!){team(id:$id){id name customer{name} virtualKeys{name}}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.teams) }) },
  { name: "virtualKey", query: "query($id:String!){virtualKey(id:$id){id name providerConfigs{provider}}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.keys) }) },
  { name: "modelConfig", query: "query($id:String!){modelConfig(id:$id){id modelName}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.modelConfigs) }) },
  { name: "provider", query: "query($n:String!){provider(name:$n){name keys{name}}}", vars: (t, k) => fc.record({ n: idOrJunk(t, k.providers) }) },
  { name: "mcpClient", query: "query($n:String!){mcpClient(name:$n){name}}", vars: (t, k) => fc.record({ n: idOrJunk(t, k.mcpClients) }) },
  { name: "node", query: "query($id:ID!){node(id:$id){id}}", vars: (t) => fc.record({ id: relayish(t) }) },
  { name: "nodes", query: "query($ids:[ID!]!){nodes(ids:$ids){id}}", vars: (t) => fc.record({ ids: fc.array(relayish(t), { maxLength: 3 }) }) },
  {
    name: "customers",
    query: "query($s:String,$f:Int,$a:String,$l:Int,$b:String){customers(filter:{search:$s},first:$f,after:$a,last:$l,before:$b){totalCount edges{node{name}}}}",
    vars: (t) => fc.record({ s: text(t), f: gqlInt, a: relayish(t), l: gqlInt, b: relayish(t) }, { requiredKeys: [] }),
  },
  { name: "teams", query: "query($s:String,$f:Int,$a:String){teams(filter:{search:$s},first:$f,after:$a){totalCount edges{node{name}}}}", vars: (t) => fc.record({ s: text(t), f: gqlInt, a: relayish(t) }, { requiredKeys: [] }) },
  { name: "virtualKeys", query: "query($s:String,$f:Int,$a:String){virtualKeys(filter:{search:$s},first:$f,after:$a){totalCount edges{node{name}}}}", vars: (t) => fc.record({ s: text(t), f: gqlInt, a: relayish(t) }, { requiredKeys: [] }) },
  { name: "modelConfigs", query: "query($s:String,$f:Int,$a:String){modelConfigs(search:$s,first:$f,after:$a){totalCount edges{node{modelName}}}}", vars: (t) => fc.record({ s: text(t), f: gqlInt, a: relayish(t) }, { requiredKeys: [] }) },
  { name: "quota", query: "query($v:String!){quota(virtualKey:$v){__typename}}", vars: (t) => fc.record({ v: text(t) }) },
  { name: "virtualKeyByValue", query: "query($v:String!){virtualKeyByValue(value:$v){__typename}}", vars: (t) => fc.record({ v: text(t) }) },
  { name: "createCustomer", query: "mutation($i:CreateCustomerInput!){createCustomer(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  { name: "createTeam", query: "mutation($i:CreateTeamInput!){createTeam(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  { name: "createVirtualKey", query: "mutation($i:CreateVirtualKeyInput!){createVirtualKey(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  { name: "createModelConfig", query: "mutation($i:CreateModelConfigInput!){createModelConfig(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  { name: "createProvider", query: "mutation($i:CreateProviderInput!){createProvider(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  { name: "createMcpClient", query: "mutation($i:McpClientInput!){createMcpClient(input:$i){__typename ... on Error{message}}}", vars: (t, k) => gqlInput(t, k) },
  {
    name: "updateCustomer",
    query: "mutation($id:String!,$i:UpdateCustomerInput!){updateCustomer(id:$id,input:$i){__typename ... on Error{message}}}",
    vars: (t, k) => fc.record({ id: idOrJunk(t, k.customers), i: gqlInput(t, k).map((v) => v.i) }),
  },
  {
    name: "updateTeam",
    query: "mutation($id:String!,$i:UpdateTeamInput!){updateTeam(id:$id,input:$i){__typename ... on Error{message}}}",
    vars: (t, k) => fc.record({ id: idOrJunk(t, k.teams), i: gqlInput(t, k).map((v) => v.i) }),
  },
  {
    name: "updateVirtualKey",
    query: "mutation($id:String!,$i:UpdateVirtualKeyInput!){updateVirtualKey(id:$id,input:$i){__typename ... on Error{message}}}",
    vars: (t, k) => fc.record({ id: idOrJunk(t, k.keys), i: gqlInput(t, k).map((v) => v.i) }),
  },
  { name: "deleteCustomer", query: "mutation($id:String!){deleteCustomer(id:$id){__typename}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.customers) }) },
  { name: "deleteTeam", query: "mutation($id:String!){deleteTeam(id:$id){__typename}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.teams) }) },
  { name: "deleteModelConfig", query: "mutation($id:String!){deleteModelConfig(id:$id){__typename}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.modelConfigs) }) },
  { name: "rotateVirtualKey", query: "mutation($id:String!){rotateVirtualKey(id:$id){__typename}}", vars: (t, k) => fc.record({ id: idOrJunk(t, k.keys) }) },
  {
    name: "setBudgetOverride",
    query: "mutation($b:String!,$v:String!,$i:BudgetOverrideInput!){setBudgetOverride(budgetId:$b,virtualKeyId:$v,input:$i){__typename}}",
    vars: (t, k) => fc.record({ b: idOrJunk(t, k.budgets), v: idOrJunk(t, k.keys), i: fc.record({ amount: money, mode: fc.constantFrom("add", "set", t) }, { requiredKeys: [] }) }),
  },
  {
    name: "checkAccess",
    query: "mutation($i:CheckAccessInput!,$v:String){checkAccess(input:$i,virtualKey:$v){__typename}}",
    vars: (t) => fc.record({ i: fc.record({ provider: text(t), model: text(t), estimatedTokens: integer }, { requiredKeys: [] }), v: text(t) }),
  },
  {
    name: "recordUsage",
    query: "mutation($i:RecordUsageInput!,$v:String){recordUsage(input:$i,virtualKey:$v){__typename}}",
    vars: (t) => fc.record({ i: fc.record({ requestId: text(t), provider: text(t), model: text(t), tokens: integer, cost: money, success: fc.boolean() }, { requiredKeys: [] }), v: text(t) }),
  },
];

const gqlInt = fc.constantFrom(-1, 0, 1, 5, 100, 1000, 2 ** 31 - 1, -(2 ** 31));
const relayish = (tag: string) =>
  fc.oneof(
    fc.constantFrom("nope", "", "Q3VzdG9tZXI6bm9wZQ==", btoa("Customer:\u0000"), btoa("Team:"), btoa(":::"), "%%%", "=", btoa("Customer:" + "9".repeat(40)), btoa("VirtualKey:x")),
    fc.uuid().map((u) => btoa(`Customer:${u}`)),
    text(tag),
  );
const idOrJunk = (tag: string, pool: string[]) => fc.oneof(idFrom(pool), text(tag), relayish(tag));
const gqlInput = (tag: string, known: Known) =>
  body(tag, known).map((b) => ({ i: Object.fromEntries(Object.entries(b).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) }));

/** Documents that abuse the parser and validator rather than the resolvers. */
const ABUSIVE_DOCUMENTS = [
  `{ ${"a: __typename ".repeat(3_000)} }`,
  `mutation { ${Array.from({ length: 200 }, (_, i) => `c${i}: checkAccess(input:{provider:"openai",model:"gpt-4o"}){__typename}`).join(" ")} }`,
  `{ __typename ${"@skip(if:false) ".repeat(500)} }`,
  `{ ${"customers { edges { node { teams { customer { ".repeat(40)}name${" } } } } }".repeat(40)} }`,
  `{ ${"{".repeat(5_000)} }`,
  "{ custmers { totalCount } }",
  "query { __schema { types { name } } }",
  'query { customer(id:"nope") { teams { name } } }',
  "{ ",
  "\u0000",
  "query Q($x: String!) { customer(id: $x) { name } }",
  `{ customers(first: ${"9".repeat(30)}) { totalCount } }`,
];

export function graphqlRequest(known: Known, tag: string): fc.Arbitrary<HostileRequest> {
  const operation = fc.constantFrom(...GRAPHQL_OPERATIONS).chain((op) => op.vars(tag, known).map((variables) => ({ label: `graphql ${op.name}`, payload: { query: op.query, variables } })));
  const abusive = fc.constantFrom(...ABUSIVE_DOCUMENTS).map((query) => ({ label: "graphql document", payload: { query } }));
  const malformed = fc.constantFrom<unknown>(null, [], "x", { query: 1 }, { query: "{__typename}", variables: "x" }, { query: "{__typename}", operationName: {} }, { query: "{__typename}", extensions: { persistedQuery: { sha256Hash: "\u0000" } } });
  return fc
    .oneof({ weight: 16, arbitrary: operation }, { weight: 2, arbitrary: abusive }, { weight: 1, arbitrary: malformed.map((payload) => ({ label: "graphql malformed", payload })) })
    .chain(({ label, payload }) =>
      fc.record({ method: fc.constantFrom("POST", "POST", "POST", "GET"), headers: HEADERS }).map(({ method, headers }) => {
        const json = JSON.stringify(payload) ?? "null";
        const base = { tag, label, headers: { "content-type": "application/json", accept: "application/json", "x-graphql-yoga-csrf": "1", ...headers } };
        if (method === "GET" && payload && typeof payload === "object" && !Array.isArray(payload) && json.length < 4_000) {
          const params = new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, typeof v === "string" ? wellFormed(v) : wellFormed(JSON.stringify(v))]));
          return { ...base, method, path: `/graphql?${params}` };
        }
        return { ...base, method: "POST", path: "/graphql", body: json };
      }),
    );
}

/** What is wrong with one response (null when it is an acceptable answer to a hostile request). */
export function problem(req: HostileRequest, status: number, text: string): string | null {
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `not JSON (${status}): ${text.slice(0, 200)}`;
  }
  if (req.path.startsWith("/graphql")) {
    const internal = (parsed?.errors ?? []).find((e: any) => e?.extensions?.code === "INTERNAL_SERVER_ERROR" || e?.message === "Unexpected error." || /prisma/i.test(e?.message ?? ""));
    return internal ? `GraphQL internal error: ${JSON.stringify(internal).slice(0, 300)}` : null;
  }
  if (status >= 400) {
    const ok =
      parsed?.is_bifrost_error === false && parsed?.status_code === status && typeof parsed?.error?.message === "string" && parsed.error.message.length <= 400 && JSON.stringify(parsed.extra_fields) === "{}";
    if (!ok) return `bad envelope (${status}): ${text.slice(0, 300)}`;
  }
  return null;
}

export const emptyKnown = (): Known => ({ customers: [], teams: [], keys: [], providers: [], providerKeys: [], mcpClients: [], modelConfigs: [], budgets: [] });

/** Records ids from a successful response body so later requests address rows that exist. */
export function learn(known: Known, text: string): void {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const add = (list: string[], v: unknown) => {
    if (typeof v === "string" && !list.includes(v) && list.length < 50) list.push(v);
  };
  add(known.customers, body?.customer?.id);
  add(known.teams, body?.team?.id);
  add(known.keys, body?.virtual_key?.id);
  add(known.modelConfigs, body?.model_config?.id);
  add(known.providerKeys, body?.key_id ?? body?.key?.key_id);
  for (const b of [body?.customer?.budgets, body?.team?.budgets, body?.virtual_key?.budgets].flat()) add(known.budgets, b?.id);
}
