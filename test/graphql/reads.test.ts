/** Reads of a graph built through the mutations: nested values both ways, relay nodes, connection paging. */
import { beforeAll, describe, expect, it } from "vitest";
import type { TeamsPageQuery } from "../gql/graphql.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";
import { execute, type GraphqlResult } from "../helpers/graphql.js";

const CreateCustomer = graphql(/* GraphQL */ `
  mutation ReadsCreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) { ... on CustomerPayload { customer { id uuid } } ... on Error { message } }
  }
`);
const CreateTeam = graphql(/* GraphQL */ `
  mutation ReadsCreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) { ... on TeamPayload { team { id uuid } } ... on Error { message } }
  }
`);
const CreateVirtualKey = graphql(/* GraphQL */ `
  mutation ReadsCreateVirtualKey($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) { ... on CreateVirtualKeyPayload { value virtualKey { id uuid } } ... on Error { message } }
  }
`);

const CustomerGraph = graphql(/* GraphQL */ `
  query CustomerGraph($id: String!) {
    customer(id: $id) {
      uuid
      name
      budget { maxLimit resetDuration currentUsage calendarAligned }
      budgets { maxLimit resetDuration }
      rateLimit { tokenMaxLimit tokenResetDuration requestMaxLimit requestResetDuration tokenCurrentUsage requestCurrentUsage }
      teams {
        name
        budget { maxLimit resetDuration }
        rateLimit { requestMaxLimit requestResetDuration }
        virtualKeys(first: 10) {
          totalCount
          edges {
            node {
              name
              value
              isActive
              budget { maxLimit resetDuration lastReset }
              rateLimit { tokenMaxLimit tokenResetDuration requestMaxLimit }
              providerConfigs {
                provider
                weight
                allowedModels
                allowAllKeys
                keys { keyId name provider models weight enabled }
                budget { maxLimit resetDuration }
                rateLimit { tokenMaxLimit tokenResetDuration }
                virtualKey { name }
              }
              mcpConfigs { mcpClient { name connectionType } toolsToExecute }
              team { name customer { uuid name } }
            }
          }
        }
      }
      virtualKeys(first: 10) { totalCount edges { node { name customer { uuid } team { uuid } } } }
    }
  }
`);

const Node = graphql(/* GraphQL */ `
  query NodeRoundTrip($id: ID!, $ids: [ID!]!) {
    node(id: $id) { __typename id ... on Customer { uuid name } }
    nodes(ids: $ids) { __typename id ... on Team { uuid } ... on VirtualKey { uuid name } }
  }
`);

const ByUuid = graphql(/* GraphQL */ `
  query ByUuid($id: String!) {
    customer(id: $id) { uuid }
    team(id: $id) { uuid }
    virtualKey(id: $id) { uuid }
  }
`);

const TeamsPage = graphql(/* GraphQL */ `
  query TeamsPage($search: String!, $first: Int!, $after: String) {
    teams(filter: { search: $search }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { name } }
    }
  }
`);

const payload = <T>(result: T | { message: string } | undefined | null): T => {
  if (!result || "message" in (result as object)) throw new Error(`mutation failed: ${JSON.stringify(result)}`);
  return result as T;
};

describe("a customer graph built through mutations", () => {
  const customerName = unique("Reads-Cust");
  const teamName = unique("reads-team");
  const keyName = unique("reads-vk");
  const directKeyName = unique("reads-direct");
  const mcpName = unique("reads-mcp");
  let ids: { customer: string; customerNode: string; team: string; teamNode: string; key: string; keyNode: string; keyValue: string; providerKeyId: string };

  beforeAll(async () => {
    const providerKey = await createProviderKey("openai", { name: unique("reads-pk"), models: ["gpt-4o"] });
    await createMcpClient(mcpName);
    const c = payload((await execute(CreateCustomer, {
      input: {
        name: customerName,
        budgets: [{ maxLimit: 100, resetDuration: "1d" }, { maxLimit: 5.25, resetDuration: "1h" }],
        rateLimit: { tokenMaxLimit: 1_000_000, tokenResetDuration: "1h", requestMaxLimit: 60, requestResetDuration: "1m" },
      },
    })).data?.createCustomer).customer;
    const t = payload((await execute(CreateTeam, {
      input: { name: teamName, customerId: c.uuid, budget: { maxLimit: 50, resetDuration: "1w" }, rateLimit: { requestMaxLimit: 10, requestResetDuration: "1s" } },
    })).data?.createTeam).team;
    const k = payload((await execute(CreateVirtualKey, {
      input: {
        name: keyName,
        teamId: t.uuid,
        budget: { maxLimit: 7.5, resetDuration: "1d" },
        rateLimit: { tokenMaxLimit: 5000, tokenResetDuration: "1m", requestMaxLimit: 20, requestResetDuration: "1m" },
        providerConfigs: [
          { provider: "openai", weight: 0.7, allowedModels: ["gpt-4o"], keyIds: [providerKey.keyId], budget: { maxLimit: 3, resetDuration: "1h" }, rateLimit: { tokenMaxLimit: 900, tokenResetDuration: "1h" } },
          { provider: "anthropic", weight: 0.3 },
        ],
        mcpConfigs: [{ mcpClientName: mcpName, toolsToExecute: ["search"] }],
      },
    })).data?.createVirtualKey);
    payload((await execute(CreateVirtualKey, { input: { name: directKeyName, customerId: c.uuid, isActive: false } })).data?.createVirtualKey);
    ids = {
      customer: c.uuid, customerNode: c.id, team: t.uuid, teamNode: t.id,
      key: k.virtualKey.uuid, keyNode: k.virtualKey.id, keyValue: k.value, providerKeyId: providerKey.keyId,
    };
  });

  it("reads customer → teams → virtual keys → limits and configs, and back up", async () => {
    const { data, errors } = await execute(CustomerGraph, { id: ids.customer });
    expect(errors).toBeUndefined();
    const c = data!.customer!;
    expect(c.name).toBe(customerName);
    expect(c.budget).toEqual({ maxLimit: 5.25, resetDuration: "1h", currentUsage: 0, calendarAligned: false });
    expect([...c.budgets].sort((a, b) => a.maxLimit - b.maxLimit)).toEqual([{ maxLimit: 5.25, resetDuration: "1h" }, { maxLimit: 100, resetDuration: "1d" }]);
    expect(c.rateLimit).toEqual({ tokenMaxLimit: 1_000_000, tokenResetDuration: "1h", requestMaxLimit: 60, requestResetDuration: "1m", tokenCurrentUsage: 0, requestCurrentUsage: 0 });
    expect(c.teams).toHaveLength(1);
    const team = c.teams[0]!;
    expect(team.name).toBe(teamName);
    expect(team.budget).toEqual({ maxLimit: 50, resetDuration: "1w" });
    expect(team.rateLimit).toEqual({ requestMaxLimit: 10, requestResetDuration: "1s" });
    expect(team.virtualKeys.totalCount).toBe(1);
    const vk = team.virtualKeys.edges[0]!.node;
    expect(vk.value).toBe(`${ids.keyValue.slice(0, 10)}…${ids.keyValue.slice(-4)}`);
    expect(vk).toMatchObject({ name: keyName, isActive: true, budget: { maxLimit: 7.5, resetDuration: "1d" } });
    expect(vk.budget!.lastReset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(vk.rateLimit).toEqual({ tokenMaxLimit: 5000, tokenResetDuration: "1m", requestMaxLimit: 20 });
    expect(vk.providerConfigs).toEqual([
      {
        provider: "openai", weight: 0.7, allowedModels: ["gpt-4o"], allowAllKeys: false,
        keys: [{ keyId: ids.providerKeyId, name: expect.stringMatching(/^reads-pk-/), provider: "openai", models: ["gpt-4o"], weight: 1, enabled: true }],
        budget: { maxLimit: 3, resetDuration: "1h" },
        rateLimit: { tokenMaxLimit: 900, tokenResetDuration: "1h" },
        virtualKey: { name: keyName },
      },
      { provider: "anthropic", weight: 0.3, allowedModels: ["*"], allowAllKeys: true, keys: [], budget: null, rateLimit: null, virtualKey: { name: keyName } },
    ]);
    expect(vk.mcpConfigs).toEqual([{ mcpClient: { name: mcpName, connectionType: "http" }, toolsToExecute: ["search"] }]);
    expect(vk.team).toEqual({ name: teamName, customer: { uuid: ids.customer, name: customerName } });
    expect(c.virtualKeys).toEqual({ totalCount: 1, edges: [{ node: { name: directKeyName, customer: { uuid: ids.customer }, team: null } }] });
  });

  it("round-trips relay global ids through node and nodes", async () => {
    const { data, errors } = await execute(Node, { id: ids.customerNode, ids: [ids.teamNode, ids.keyNode] });
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      node: { __typename: "Customer", id: ids.customerNode, uuid: ids.customer, name: customerName },
      nodes: [
        { __typename: "Team", id: ids.teamNode, uuid: ids.team },
        { __typename: "VirtualKey", id: ids.keyNode, uuid: ids.key, name: keyName },
      ],
    });
  });

  it("looks entities up by database uuid; unknown or malformed ids are null", async () => {
    expect((await execute(ByUuid, { id: ids.key })).data).toEqual({ customer: null, team: null, virtualKey: { uuid: ids.key } });
    expect((await execute(ByUuid, { id: "00000000-0000-4000-8000-000000000000" })).data).toEqual({ customer: null, team: null, virtualKey: null });
    expect((await execute(ByUuid, { id: "not-a-uuid" })).data).toEqual({ customer: null, team: null, virtualKey: null });
  });
});

describe("connections", () => {
  it("pages with first/after in creation order and reports totalCount", async () => {
    const prefix = unique("Page-Team");
    for (let i = 0; i < 5; i++) payload((await execute(CreateTeam, { input: { name: `${prefix}-${i}` } })).data?.createTeam);
    const search = prefix.toLowerCase();
    const names: string[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    do {
      const { data, errors }: GraphqlResult<TeamsPageQuery> = await execute(TeamsPage, { search, first: 2, after });
      expect(errors).toBeUndefined();
      expect(data!.teams.totalCount).toBe(5);
      names.push(...data!.teams.edges.map((e) => e.node.name));
      pages.push(data!.teams.pageInfo.hasNextPage);
      after = data!.teams.pageInfo.hasNextPage ? data!.teams.pageInfo.endCursor! : null;
    } while (after);
    expect(pages).toEqual([true, true, false]);
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
  });
});
