/** REST and GraphQL are two views of one service layer: what one writes, the other reads, value for value. */
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { rest, unique } from "../helpers/app.js";
import { execute } from "../helpers/graphql.js";

const CustomerGraph = graphql(/* GraphQL */ `
  query CrossCustomer($id: String!) {
    customer(id: $id) {
      name
      budget { maxLimit resetDuration }
      teams {
        uuid
        name
        virtualKeys(first: 10) {
          edges {
            node {
              uuid
              name
              value
              team { customer { uuid } }
              budget { maxLimit }
              rateLimit { requestMaxLimit requestResetDuration }
              providerConfigs { provider weight allowedModels budget { maxLimit resetDuration } }
            }
          }
        }
      }
    }
  }
`);

const CreateGraph = graphql(/* GraphQL */ `
  mutation CrossCreate($customer: CreateCustomerInput!) {
    createCustomer(input: $customer) {
      __typename
      ... on CustomerPayload { customer { uuid } }
      ... on Error { message }
    }
  }
`);

const CreateKey = graphql(/* GraphQL */ `
  mutation CrossCreateKey($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) {
      __typename
      ... on CreateVirtualKeyPayload { value virtualKey { uuid } }
      ... on Error { message }
    }
  }
`);

describe("REST → GraphQL", () => {
  it("reads the graph created through the REST seed routes", async () => {
    const customer = (await rest("POST", "/api/governance/customers", { name: unique("Acme"), budget: { max_limit: 100, reset_duration: "1M" } })).body.customer;
    const team = (await rest("POST", "/api/governance/teams", { name: unique("Eng"), customer_id: customer.id })).body.team;
    const vk = (
      await rest("POST", "/api/governance/virtual-keys", {
        name: unique("vk"),
        team_id: team.id,
        budget: { max_limit: 10, reset_duration: "1d" },
        rate_limit: { request_max_limit: 3, request_reset_duration: "1m" },
        provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini"], budget: { max_limit: 5, reset_duration: "1h" } }],
      })
    ).body.virtual_key;

    const { data, errors } = await execute(CustomerGraph, { id: customer.id });
    expect(errors).toBeUndefined();
    expect(data!.customer).toEqual({
      name: customer.name,
      budget: { maxLimit: 100, resetDuration: "1M" },
      teams: [
        {
          uuid: team.id,
          name: team.name,
          virtualKeys: {
            edges: [
              {
                node: {
                  uuid: vk.id,
                  name: vk.name,
                  value: `${vk.value.slice(0, 10)}…${vk.value.slice(-4)}`,
                  team: { customer: { uuid: customer.id } },
                  budget: { maxLimit: 10 },
                  rateLimit: { requestMaxLimit: 3, requestResetDuration: "1m" },
                  providerConfigs: [{ provider: "openai", weight: 1, allowedModels: ["gpt-4o-mini"], budget: { maxLimit: 5, resetDuration: "1h" } }],
                },
              },
            ],
          },
        },
      ],
    });
  });
});

describe("GraphQL → REST", () => {
  it("the REST routes return what the mutations created", async () => {
    const name = unique("Initech");
    const c = await execute(CreateGraph, { customer: { name, budgets: [{ maxLimit: 20, resetDuration: "1w" }], rateLimit: { tokenMaxLimit: 1000, tokenResetDuration: "1h" } } });
    expect(c.data!.createCustomer.__typename).toBe("CustomerPayload");
    const customerId = (c.data!.createCustomer as { customer: { uuid: string } }).customer.uuid;
    const k = await execute(CreateKey, { input: { name: unique("vk"), customerId, providerConfigs: [{ provider: "anthropic", allowedModels: ["claude-3-haiku"] }] } });
    expect(k.data!.createVirtualKey.__typename).toBe("CreateVirtualKeyPayload");
    const created = k.data!.createVirtualKey as { value: string; virtualKey: { uuid: string } };

    const res = await rest("GET", `/api/governance/customers/${customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({
      id: customerId,
      name,
      budget: { max_limit: 20, reset_duration: "1w", current_usage: 0 },
      rate_limit: { token_max_limit: 1000, token_reset_duration: "1h", token_current_usage: 0 },
      teams: [],
    });
    expect(res.body.customer.virtual_keys).toHaveLength(1);
    expect(res.body.customer.virtual_keys[0]).toMatchObject({
      id: created.virtualKey.uuid,
      customer_id: customerId,
      value: `${created.value.slice(0, 10)}…${created.value.slice(-4)}`,
      provider_configs: [{ provider: "anthropic", allowed_models: ["claude-3-haiku"], allow_all_keys: true, keys: [] }],
    });
  });
});
