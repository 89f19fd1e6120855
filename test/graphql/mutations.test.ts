/** Every create mutation: success payloads and the typed errors (ValidationError, ConflictError) in the result union. */
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute } from "../helpers/graphql.js";

const CreateCustomer = graphql(/* GraphQL */ `
  mutation CreateCustomerM($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      __typename
      ... on CustomerPayload {
        customer { id uuid name calendarAligned budget { maxLimit resetDuration } rateLimit { requestMaxLimit requestResetDuration } }
      }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const CreateTeam = graphql(/* GraphQL */ `
  mutation CreateTeamM($input: CreateTeamInput!) {
    createTeam(input: $input) {
      __typename
      ... on TeamPayload { team { uuid name customer { uuid } budgets { maxLimit resetDuration } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const CreateVirtualKey = graphql(/* GraphQL */ `
  mutation CreateVirtualKeyM($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) {
      __typename
      ... on CreateVirtualKeyPayload { value virtualKey { uuid name value description isActive team { uuid } customer { uuid } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

describe("createCustomer", () => {
  it("creates a customer with its budget and rate limit", async () => {
    const name = unique("gql-cust");
    const { data, errors } = await execute(CreateCustomer, {
      input: { name, budget: { maxLimit: 120.5, resetDuration: "1M" }, rateLimit: { requestMaxLimit: 100, requestResetDuration: "1m" } },
    });
    expect(errors).toBeUndefined();
    const result = data!.createCustomer;
    if (result.__typename !== "CustomerPayload") throw new Error(`unexpected ${result.__typename}`);
    expect(result.customer).toMatchObject({
      name,
      calendarAligned: false,
      budget: { maxLimit: 120.5, resetDuration: "1M" },
      rateLimit: { requestMaxLimit: 100, requestResetDuration: "1m" },
    });
    expect(result.customer.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.customer.id).not.toBe(result.customer.uuid);
  });

  it("rejects an empty name with a ValidationError on [name]", async () => {
    const { data } = await execute(CreateCustomer, { input: { name: "  " } });
    expect(data!.createCustomer).toEqual({
      __typename: "ValidationError",
      message: "Customer name is required",
      code: "VALIDATION",
      fieldErrors: [{ path: ["name"], message: "Customer name is required" }],
    });
  });

  it("rejects a negative budget", async () => {
    const { data } = await execute(CreateCustomer, { input: { name: unique("gql-cust"), budget: { maxLimit: -5, resetDuration: "1d" } } });
    expect(data!.createCustomer).toEqual({
      __typename: "ValidationError",
      message: "Budget max_limit cannot be negative: -5.00",
      code: "VALIDATION",
      fieldErrors: [{ path: ["budget", "maxLimit"], message: "Budget max_limit cannot be negative: -5.00" }],
    });
  });

  it("reports a duplicate name as a ConflictError", async () => {
    const name = unique("gql-cust");
    await execute(CreateCustomer, { input: { name } });
    const { data } = await execute(CreateCustomer, { input: { name } });
    expect(data!.createCustomer).toEqual({
      __typename: "ConflictError",
      message: "a record with this name already exists. Please use a different value",
      code: "CONFLICT",
    });
  });
});

describe("createTeam", () => {
  it("creates a team under a customer; explicit nulls count as absent", async () => {
    const customer = await execute(CreateCustomer, { input: { name: unique("gql-cust") } });
    const customerId = (customer.data!.createCustomer as { customer: { uuid: string } }).customer.uuid;
    const name = unique("gql-team");
    const { data } = await execute(CreateTeam, {
      input: { name, customerId, calendarAligned: null, rateLimit: null, budgets: [{ maxLimit: 10, resetDuration: "1d" }, { maxLimit: 1, resetDuration: "1h" }] },
    });
    const result = data!.createTeam;
    if (result.__typename !== "TeamPayload") throw new Error(`unexpected ${result.__typename}`);
    expect(result.team).toMatchObject({ name, customer: { uuid: customerId } });
    expect(result.team.budgets).toEqual(expect.arrayContaining([{ maxLimit: 10, resetDuration: "1d" }, { maxLimit: 1, resetDuration: "1h" }]));
    expect(result.team.budgets).toHaveLength(2);
  });

  it("rejects an empty name and an unknown customer", async () => {
    const empty = await execute(CreateTeam, { input: { name: "" } });
    expect(empty.data!.createTeam).toMatchObject({ __typename: "ValidationError", message: "Team name is required", fieldErrors: [{ path: ["name"] }] });
    const id = "00000000-0000-4000-8000-000000000000";
    const unknown = await execute(CreateTeam, { input: { name: unique("gql-team"), customerId: id } });
    expect(unknown.data!.createTeam).toMatchObject({ __typename: "ValidationError", message: `Customer not found: ${id}`, fieldErrors: [{ path: ["customerId"] }] });
  });
});

describe("createVirtualKey", () => {
  async function team() {
    const { data } = await execute(CreateTeam, { input: { name: unique("gql-team") } });
    return (data!.createTeam as { team: { uuid: string } }).team.uuid;
  }

  it("returns the full value once and the masked form on the node", async () => {
    const teamId = await team();
    const name = unique("gql-vk");
    const { data } = await execute(CreateVirtualKey, { input: { name, teamId, description: "ci", isActive: false } });
    const result = data!.createVirtualKey;
    if (result.__typename !== "CreateVirtualKeyPayload") throw new Error(`unexpected ${result.__typename}`);
    expect(result.value).toMatch(/^sk-bf-[0-9a-f-]{36}$/);
    expect(result.virtualKey).toMatchObject({ name, description: "ci", isActive: false, team: { uuid: teamId }, customer: null });
    expect(result.virtualKey.value).toBe(`${result.value.slice(0, 10)}…${result.value.slice(-4)}`);
  });

  it("rejects an empty name", async () => {
    const { data } = await execute(CreateVirtualKey, { input: { name: "" } });
    expect(data!.createVirtualKey).toMatchObject({ __typename: "ValidationError", message: "Virtual key name is required", fieldErrors: [{ path: ["name"] }] });
  });

  it("rejects a key attached to both a team and a customer", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    const { data } = await execute(CreateVirtualKey, { input: { name: unique("gql-vk"), teamId: id, customerId: id } });
    expect(data!.createVirtualKey).toEqual({
      __typename: "ValidationError",
      message: "VirtualKey cannot be attached to both Team and Customer",
      code: "VALIDATION",
      fieldErrors: [{ path: ["teamId"], message: "VirtualKey cannot be attached to both Team and Customer" }],
    });
  });

  it("rejects an unknown team", async () => {
    const id = "00000000-0000-4000-8000-00000000abcd";
    const { data } = await execute(CreateVirtualKey, { input: { name: unique("gql-vk"), teamId: id } });
    expect(data!.createVirtualKey).toMatchObject({ __typename: "ValidationError", message: `Team not found: ${id}`, fieldErrors: [{ path: ["teamId"] }] });
  });

  it("reports a duplicate name as a ConflictError", async () => {
    const name = unique("gql-vk");
    const first = await execute(CreateVirtualKey, { input: { name } });
    expect(first.data!.createVirtualKey.__typename).toBe("CreateVirtualKeyPayload");
    const { data } = await execute(CreateVirtualKey, { input: { name } });
    expect(data!.createVirtualKey).toEqual({
      __typename: "ConflictError",
      message: "a record with this name already exists. Please use a different value",
      code: "CONFLICT",
    });
  });

  it("reports nested provider-config problems with their input path", async () => {
    const { data } = await execute(CreateVirtualKey, {
      input: { name: unique("gql-vk"), providerConfigs: [{ provider: "openai", budget: { maxLimit: -1, resetDuration: "1d" } }] },
    });
    expect(data!.createVirtualKey).toMatchObject({
      __typename: "ValidationError",
      message: "provider config budget max_limit cannot be negative: -1.00",
      fieldErrors: [{ path: ["providerConfigs", "0", "budget", "maxLimit"] }],
    });
  });
});
