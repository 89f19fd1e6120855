/** The top-level lists: keyset paging under every sort (both directions, both ends), filters, totalCount. */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import type { CustomersPageQuery, CustomersPageQueryVariables, ListSortField, SortDirection } from "../gql/graphql.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute, ok, type GraphqlResult } from "../helpers/graphql.js";

const NewCustomer = graphql(/* GraphQL */ `
  mutation ListsNewCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) { __typename ... on CustomerPayload { customer { uuid budgets { id } } } }
  }
`);
const NewTeam = graphql(/* GraphQL */ `
  mutation ListsNewTeam($input: CreateTeamInput!) { createTeam(input: $input) { __typename ... on TeamPayload { team { uuid } } } }
`);
const NewKey = graphql(/* GraphQL */ `
  mutation ListsNewKey($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) { __typename ... on CreateVirtualKeyPayload { virtualKey { uuid budgets { id } } } }
  }
`);

const CustomersPage = graphql(/* GraphQL */ `
  query CustomersPage($filter: CustomerFilter, $orderBy: ListOrder, $first: Int, $after: String, $last: Int, $before: String) {
    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { uuid name spend overBudget } }
    }
  }
`);
const KeysPage = graphql(/* GraphQL */ `
  query KeysPage($filter: VirtualKeyFilter) {
    virtualKeys(filter: $filter, first: 100, orderBy: { field: NAME }) { totalCount edges { node { name } } }
  }
`);
const TeamsPage = graphql(/* GraphQL */ `
  query TeamsFiltered($filter: TeamFilter) { teams(filter: $filter, first: 10) { totalCount edges { node { name } } } }
`);

type Row = { uuid: string; name: string; spend: number; created: number };
const prefix = unique("Lists-Cust");
const search = prefix.toLowerCase();
const rows: Row[] = [];
// Spend per customer (names are created in this order, so creation order != name order != spend order).
const plan = [
  { suffix: "d", usage: 3 },
  { suffix: "b", usage: 0 },
  { suffix: "e", usage: 7.5 },
  { suffix: "a", usage: 0 },
  { suffix: "c", usage: 3 },
];

beforeAll(async () => {
  for (const p of plan) {
    const name = `${prefix}-${p.suffix}`;
    const { data } = await execute(NewCustomer, { input: { name, budget: { maxLimit: 5, resetDuration: "1d" } } });
    const c = ok(data?.createCustomer, "CustomerPayload").customer;
    await db.budget.update({ where: { id: c.budgets[0]!.id }, data: { currentUsage: p.usage } });
    const { createdAt } = await db.customer.findUniqueOrThrow({ where: { id: c.uuid }, select: { createdAt: true } });
    rows.push({ uuid: c.uuid, name, spend: p.usage, created: createdAt.getTime() });
  }
});

type Order = { field: ListSortField; direction: SortDirection };
function expected(order: Order): string[] {
  const key = (r: Row) => (order.field === "NAME" ? r.name : order.field === "SPEND" ? r.spend : r.created);
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -1 : x > y ? 1 : a.uuid < b.uuid ? -1 : 1;
  });
  return (order.direction === "DESC" ? sorted.reverse() : sorted).map((r) => r.name);
}

async function pageAll(orderBy: Order, backward: boolean): Promise<{ names: string[]; flags: [boolean, boolean][] }> {
  const names: string[] = [];
  const flags: [boolean, boolean][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const vars: CustomersPageQueryVariables = backward ? { last: 2, before: cursor } : { first: 2, after: cursor };
    const { data, errors }: GraphqlResult<CustomersPageQuery> = await execute(CustomersPage, { filter: { search }, orderBy, ...vars });
    expect(errors).toBeUndefined();
    const conn = data!.customers;
    expect(conn.totalCount).toBe(5);
    const pageNames = conn.edges.map((e) => e.node.name);
    if (backward) names.unshift(...pageNames);
    else names.push(...pageNames);
    flags.push([conn.pageInfo.hasPreviousPage, conn.pageInfo.hasNextPage]);
    expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
    cursor = backward ? conn.pageInfo.startCursor : conn.pageInfo.endCursor;
    if (!(backward ? conn.pageInfo.hasPreviousPage : conn.pageInfo.hasNextPage)) break;
  }
  return { names, flags };
}

const orders: Order[] = (["NAME", "CREATED_AT", "SPEND"] as const).flatMap((field) => (["ASC", "DESC"] as const).map((direction) => ({ field, direction })));

describe("customers: keyset paging", () => {
  it.each(orders)("pages forward and backward by $field $direction in the same order", async (orderBy) => {
    const forward = await pageAll(orderBy, false);
    expect(forward.names).toEqual(expected(orderBy));
    expect(forward.flags).toEqual([[false, true], [true, true], [true, false]]);
    const backward = await pageAll(orderBy, true);
    expect(backward.names).toEqual(expected(orderBy));
    expect(backward.flags).toEqual([[true, false], [true, true], [false, true]]);
  });

  it("spend and the sort are reset-aware: an expired window counts 0 and is never over budget", async () => {
    const e = rows.find((r) => r.name.endsWith("-e"))!;
    const { data } = await execute(CustomersPage, { filter: { search }, orderBy: { field: "SPEND", direction: "DESC" }, first: 1 });
    expect(data!.customers.edges[0]!.node).toMatchObject({ name: e.name, spend: 7.5, overBudget: true });
    const over = await execute(CustomersPage, { filter: { search, overBudget: true }, first: 10 });
    expect(over.data!.customers.edges.map((x) => x.node.name)).toEqual([e.name]);
    await db.budget.updateMany({ where: { customerId: e.uuid }, data: { lastReset: new Date(Date.now() - 2 * 86_400_000) } });
    e.spend = 0;
    const after = await execute(CustomersPage, { filter: { search }, orderBy: { field: "SPEND", direction: "DESC" }, first: 5 });
    expect(after.data!.customers.edges.map((x) => x.node.name)).toEqual(expected({ field: "SPEND", direction: "DESC" }));
    expect(after.data!.customers.edges.find((x) => x.node.name === e.name)!.node).toMatchObject({ spend: 0, overBudget: false });
    expect((await execute(CustomersPage, { filter: { search, overBudget: true }, first: 10 })).data!.customers.totalCount).toBe(0);
    await db.budget.updateMany({ where: { customerId: e.uuid }, data: { lastReset: new Date() } });
    e.spend = 7.5;
  });

  it("edges of paging: first 0, no match, past the end, invalid arguments", async () => {
    const zero = await execute(CustomersPage, { filter: { search }, first: 0 });
    expect(zero.data!.customers).toEqual({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] });
    const none = await execute(CustomersPage, { filter: { search: `${search}-nothing` }, first: 3 });
    expect(none.data!.customers).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] });
    const all = await execute(CustomersPage, { filter: { search }, first: 5 });
    expect(all.data!.customers.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const past = await execute(CustomersPage, { filter: { search }, first: 5, after: all.data!.customers.pageInfo.endCursor });
    expect(past.data!.customers).toEqual({ totalCount: 5, pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null }, edges: [] });
    const both = await execute(CustomersPage, { filter: { search }, first: 1, last: 1 });
    expect(both.errors?.[0]).toMatchObject({ message: "Use either first or last, not both", extensions: { code: "VALIDATION" } });
    const negative = await execute(CustomersPage, { filter: { search }, first: -1 });
    expect(negative.errors?.[0]).toMatchObject({ message: "first and last must not be negative", extensions: { code: "VALIDATION" } });
  });
});

describe("filters", () => {
  const p = unique("lists-f");
  const names = (r: { data?: { virtualKeys: { edges: { node: { name: string } }[] } } | null }) => r.data!.virtualKeys.edges.map((e) => e.node.name.slice(p.length + 1));
  let ids: { customer: string; team: string; otherTeam: string };

  beforeAll(async () => {
    const c = ok((await execute(NewCustomer, { input: { name: `${p}-cust` } })).data?.createCustomer, "CustomerPayload").customer.uuid;
    const t = ok((await execute(NewTeam, { input: { name: `${p}-team`, customerId: c } })).data?.createTeam, "TeamPayload").team.uuid;
    const t2 = ok((await execute(NewTeam, { input: { name: `${p}-other` } })).data?.createTeam, "TeamPayload").team.uuid;
    ids = { customer: c, team: t, otherTeam: t2 };
    const key = async (name: string, input: object) =>
      ok((await execute(NewKey, { input: { name: `${p}-${name}`, ...input } })).data?.createVirtualKey, "CreateVirtualKeyPayload").virtualKey;
    await key("k1-team-openai", { teamId: t, providerConfigs: [{ provider: "openai" }] });
    await key("k2-team-inactive", { teamId: t, isActive: false, providerConfigs: [{ provider: "anthropic" }] });
    await key("k3-direct", { customerId: c, providerConfigs: [{ provider: "openai" }, { provider: "anthropic" }] });
    const over = await key("k4-other-over", { teamId: t2, budget: { maxLimit: 1, resetDuration: "1h" } });
    await db.budget.update({ where: { id: over.budgets[0]!.id }, data: { currentUsage: 1 } });
  });

  it("by owner: team, customer (direct or through a team); malformed ids match nothing", async () => {
    expect(names(await execute(KeysPage, { filter: { search: p, teamId: ids.team } }))).toEqual(["k1-team-openai", "k2-team-inactive"]);
    expect(names(await execute(KeysPage, { filter: { search: p, customerId: ids.customer } }))).toEqual(["k1-team-openai", "k2-team-inactive", "k3-direct"]);
    expect(names(await execute(KeysPage, { filter: { search: p, teamId: "not-a-uuid" } }))).toEqual([]);
    const teams = await execute(TeamsPage, { filter: { search: p, customerId: ids.customer } });
    expect(teams.data!.teams).toEqual({ totalCount: 1, edges: [{ node: { name: `${p}-team` } }] });
  });

  it("by isActive, provider and overBudget, combined with AND", async () => {
    expect(names(await execute(KeysPage, { filter: { search: p, isActive: false } }))).toEqual(["k2-team-inactive"]);
    expect(names(await execute(KeysPage, { filter: { search: p, provider: "openai" } }))).toEqual(["k1-team-openai", "k3-direct"]);
    expect(names(await execute(KeysPage, { filter: { search: p, provider: "anthropic", isActive: true } }))).toEqual(["k3-direct"]);
    expect(names(await execute(KeysPage, { filter: { search: p, overBudget: true } }))).toEqual(["k4-other-over"]);
    const notOver = await execute(KeysPage, { filter: { search: p, overBudget: false } });
    expect(notOver.data!.virtualKeys.totalCount).toBe(3);
  });

  it("search is a case-insensitive substring; LIKE wildcards are literal", async () => {
    expect(names(await execute(KeysPage, { filter: { search: `${p.toUpperCase()}-K3` } }))).toEqual(["k3-direct"]);
    expect((await execute(KeysPage, { filter: { search: `${p}-k_` } })).data!.virtualKeys.totalCount).toBe(0);
    expect((await execute(KeysPage, { filter: { search: `${p}%` } })).data!.virtualKeys.totalCount).toBe(0);
  });
});
