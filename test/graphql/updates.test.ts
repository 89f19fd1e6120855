/** update/delete for customers, teams and keys, and rotateVirtualKey: success payloads and every typed error. */
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute, ok } from "../helpers/graphql.js";

const NewCustomer = graphql(/* GraphQL */ `
  mutation UpdNewCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) { __typename ... on CustomerPayload { customer { uuid } } }
  }
`);
const NewTeam = graphql(/* GraphQL */ `
  mutation UpdNewTeam($input: CreateTeamInput!) {
    createTeam(input: $input) { __typename ... on TeamPayload { team { uuid } } }
  }
`);
const NewKey = graphql(/* GraphQL */ `
  mutation UpdNewKey($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) { __typename ... on CreateVirtualKeyPayload { value virtualKey { id uuid providerConfigs { id } } } }
  }
`);

const UpdateCustomer = graphql(/* GraphQL */ `
  mutation UpdCustomer($id: String!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      __typename
      ... on CustomerPayload { customer { uuid name budgets { maxLimit resetDuration currentUsage } rateLimit { requestMaxLimit } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
      ... on NotFoundError { entity }
    }
  }
`);
const DeleteCustomer = graphql(/* GraphQL */ `
  mutation DelCustomer($id: String!) {
    deleteCustomer(id: $id) { __typename ... on DeletedPayload { deletedId deletedNodeId } ... on NotFoundError { message code entity } }
  }
`);
const UpdateTeam = graphql(/* GraphQL */ `
  mutation UpdTeam($id: String!, $input: UpdateTeamInput!) {
    updateTeam(id: $id, input: $input) {
      __typename
      ... on TeamPayload { team { uuid name customer { uuid } rateLimit { requestMaxLimit requestResetDuration } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);
const DeleteTeam = graphql(/* GraphQL */ `
  mutation DelTeam($id: String!) {
    deleteTeam(id: $id) { __typename ... on DeletedPayload { deletedId } ... on Error { message code } }
  }
`);
const UpdateKey = graphql(/* GraphQL */ `
  mutation UpdKey($id: String!, $input: UpdateVirtualKeyInput!) {
    updateVirtualKey(id: $id, input: $input) {
      __typename
      ... on VirtualKeyPayload {
        virtualKey { name isActive team { uuid } customer { uuid } rateLimit { tokenMaxLimit requestMaxLimit } providerConfigs { id provider weight allowedModels } }
      }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);
const RotateKey = graphql(/* GraphQL */ `
  mutation RotKey($id: String!) {
    rotateVirtualKey(id: $id) { __typename ... on RotateVirtualKeyPayload { value virtualKey { uuid value } } ... on Error { message code } }
  }
`);
const DeleteKey = graphql(/* GraphQL */ `
  mutation DelKey($id: String!) {
    deleteVirtualKey(id: $id) { __typename ... on DeletedPayload { deletedId deletedNodeId } ... on Error { message code } }
  }
`);
const KeyByValue = graphql(/* GraphQL */ `
  query UpdKeyByValue($value: String!) { virtualKeyByValue(value: $value) { __typename ... on VirtualKey { uuid } } }
`);

const MISSING = "00000000-0000-4000-8000-000000000000";
const customer = async (name = unique("upd-cust")) => ok((await execute(NewCustomer, { input: { name, budget: { maxLimit: 10, resetDuration: "1d" } } })).data?.createCustomer, "CustomerPayload").customer.uuid;
const team = async (customerId?: string) => ok((await execute(NewTeam, { input: { name: unique("upd-team"), customerId } })).data?.createTeam, "TeamPayload").team.uuid;

describe("updateCustomer / deleteCustomer", () => {
  it("renames, replaces the budgets and the rate limit", async () => {
    const id = await customer();
    const name = unique("upd-cust");
    const { data } = await execute(UpdateCustomer, {
      id,
      input: { name, budgets: [{ maxLimit: 20, resetDuration: "1d" }, { maxLimit: 2, resetDuration: "1h" }], rateLimit: { requestMaxLimit: 5, requestResetDuration: "1m" } },
    });
    const c = ok(data?.updateCustomer, "CustomerPayload").customer;
    expect(c.name).toBe(name);
    expect([...c.budgets].sort((a, b) => a.maxLimit - b.maxLimit)).toEqual([
      { maxLimit: 2, resetDuration: "1h", currentUsage: 0 },
      { maxLimit: 20, resetDuration: "1d", currentUsage: 0 },
    ]);
    expect(c.rateLimit).toEqual({ requestMaxLimit: 5 });
  });

  it("answers NotFoundError, ValidationError with its path, and ConflictError", async () => {
    expect((await execute(UpdateCustomer, { id: MISSING, input: { name: "x" } })).data?.updateCustomer).toEqual({
      __typename: "NotFoundError", message: "Customer not found", code: "NOT_FOUND", entity: "Customer",
    });
    const id = await customer();
    expect((await execute(UpdateCustomer, { id, input: { name: " " } })).data?.updateCustomer).toEqual({
      __typename: "ValidationError", message: "Customer name is required", code: "VALIDATION", fieldErrors: [{ path: ["name"], message: "Customer name is required" }],
    });
    const bad = await execute(UpdateCustomer, { id, input: { budget: { maxLimit: -1 } } });
    expect(bad.data?.updateCustomer).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ path: ["budget", "maxLimit"] }] });
    const taken = unique("upd-cust");
    await customer(taken);
    expect((await execute(UpdateCustomer, { id, input: { name: taken } })).data?.updateCustomer).toEqual({
      __typename: "ConflictError", code: "CONFLICT", message: "Failed to update customer: a record with this name already exists. Please use a different value",
    });
  });

  it("deletes, detaching its teams; a second delete is NotFoundError", async () => {
    const id = await customer();
    const teamId = await team(id);
    const { data } = await execute(DeleteCustomer, { id });
    expect(data?.deleteCustomer).toEqual({ __typename: "DeletedPayload", deletedId: id, deletedNodeId: Buffer.from(`Customer:${id}`).toString("base64") });
    expect((await execute(UpdateTeam, { id: teamId, input: {} })).data?.updateTeam).toMatchObject({ team: { uuid: teamId, customer: null } });
    expect((await execute(DeleteCustomer, { id })).data?.deleteCustomer).toEqual({ __typename: "NotFoundError", message: "Customer not found", code: "NOT_FOUND", entity: "Customer" });
  });
});

describe("updateTeam / deleteTeam", () => {
  it("moves a team to a customer and back (null detaches); replaces the rate limit", async () => {
    const customerId = await customer();
    const id = await team();
    const moved = await execute(UpdateTeam, { id, input: { customerId, rateLimit: { requestMaxLimit: 3, requestResetDuration: "1s" } } });
    expect(ok(moved.data?.updateTeam, "TeamPayload").team).toMatchObject({ customer: { uuid: customerId }, rateLimit: { requestMaxLimit: 3, requestResetDuration: "1s" } });
    const detached = await execute(UpdateTeam, { id, input: { customerId: null, rateLimit: {} } });
    expect(ok(detached.data?.updateTeam, "TeamPayload").team).toMatchObject({ customer: null, rateLimit: null });
  });

  it("answers ValidationError for an unknown customer, NotFoundError for an unknown team", async () => {
    const id = await team();
    expect((await execute(UpdateTeam, { id, input: { customerId: MISSING } })).data?.updateTeam).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: `Failed to update team: Customer not found: ${MISSING}`,
      fieldErrors: [{ path: ["customerId"], message: `Failed to update team: Customer not found: ${MISSING}` }],
    });
    expect((await execute(UpdateTeam, { id: "nope", input: {} })).data?.updateTeam).toEqual({ __typename: "NotFoundError", message: "Team not found", code: "NOT_FOUND" });
    expect((await execute(DeleteTeam, { id })).data?.deleteTeam).toEqual({ __typename: "DeletedPayload", deletedId: id });
    expect((await execute(DeleteTeam, { id })).data?.deleteTeam).toEqual({ __typename: "NotFoundError", message: "Team not found", code: "NOT_FOUND" });
  });
});

describe("updateVirtualKey / rotateVirtualKey / deleteVirtualKey", () => {
  async function key() {
    const created = await execute(NewKey, {
      input: { name: unique("upd-vk"), teamId: await team(), rateLimit: { tokenMaxLimit: 100, tokenResetDuration: "1h" }, providerConfigs: [{ provider: "openai", weight: 1 }] },
    });
    return ok(created.data?.createVirtualKey, "CreateVirtualKeyPayload");
  }

  it("switches the owner, merges the rate limit and reconciles provider configs", async () => {
    const k = await key();
    const customerId = await customer();
    const pcId = k.virtualKey.providerConfigs[0]!.id;
    const { data } = await execute(UpdateKey, {
      id: k.virtualKey.uuid,
      input: { customerId, isActive: false, rateLimit: { requestMaxLimit: 7, requestResetDuration: "1m" }, providerConfigs: [{ id: pcId, provider: "openai", weight: null, allowedModels: ["gpt-4o"] }, { provider: "anthropic" }] },
    });
    const vk = ok(data?.updateVirtualKey, "VirtualKeyPayload").virtualKey;
    expect(vk).toMatchObject({ isActive: false, team: null, customer: { uuid: customerId }, rateLimit: { tokenMaxLimit: 100, requestMaxLimit: 7 } });
    expect(vk.providerConfigs).toEqual([
      { id: pcId, provider: "openai", weight: null, allowedModels: ["gpt-4o"] },
      { id: expect.any(Number), provider: "anthropic", weight: null, allowedModels: ["*"] },
    ]);
  });

  it("answers ValidationError (both owners; a foreign provider config id), NotFoundError and ConflictError", async () => {
    const k = await key();
    const id = k.virtualKey.uuid;
    expect((await execute(UpdateKey, { id, input: { teamId: MISSING, customerId: MISSING } })).data?.updateVirtualKey).toMatchObject({
      __typename: "ValidationError", message: "VirtualKey cannot be attached to both Team and Customer", fieldErrors: [{ path: ["teamId"] }],
    });
    expect((await execute(UpdateKey, { id, input: { providerConfigs: [{ id: 2147483000, provider: "openai" }] } })).data?.updateVirtualKey).toMatchObject({
      __typename: "ValidationError", message: "Failed to update virtual key: provider config 2147483000 does not belong to this virtual key", fieldErrors: [{ path: ["providerConfigs", "0", "id"] }],
    });
    expect((await execute(UpdateKey, { id: MISSING, input: {} })).data?.updateVirtualKey).toEqual({ __typename: "NotFoundError", message: "Virtual key not found", code: "NOT_FOUND" });
    const other = await key();
    const name = unique("upd-vk");
    await execute(UpdateKey, { id: other.virtualKey.uuid, input: { name } });
    expect((await execute(UpdateKey, { id, input: { name } })).data?.updateVirtualKey).toEqual({
      __typename: "ConflictError", code: "CONFLICT", message: "Failed to update virtual key: a record with this name already exists. Please use a different value",
    });
  });

  it("rotates: a new value once, the old one no longer finds the key", async () => {
    const k = await key();
    const { data } = await execute(RotateKey, { id: k.virtualKey.uuid });
    const rotated = ok(data?.rotateVirtualKey, "RotateVirtualKeyPayload");
    expect(rotated.value).toMatch(/^sk-bf-[0-9a-f-]{36}$/);
    expect(rotated.value).not.toBe(k.value);
    expect(rotated.virtualKey.value).toBe(`${rotated.value.slice(0, 10)}…${rotated.value.slice(-4)}`);
    expect((await execute(KeyByValue, { value: k.value })).data?.virtualKeyByValue).toBeNull();
    expect((await execute(KeyByValue, { value: rotated.value })).data?.virtualKeyByValue).toEqual({ __typename: "VirtualKey", uuid: k.virtualKey.uuid });
    expect((await execute(RotateKey, { id: MISSING })).data?.rotateVirtualKey).toEqual({ __typename: "NotFoundError", message: "Virtual key not found", code: "NOT_FOUND" });
  });

  it("deletes a key; deleting it again is NotFoundError", async () => {
    const k = await key();
    expect((await execute(DeleteKey, { id: k.virtualKey.uuid })).data?.deleteVirtualKey).toEqual({
      __typename: "DeletedPayload", deletedId: k.virtualKey.uuid, deletedNodeId: k.virtualKey.id,
    });
    expect((await execute(DeleteKey, { id: k.virtualKey.uuid })).data?.deleteVirtualKey).toEqual({ __typename: "NotFoundError", message: "Virtual key not found", code: "NOT_FOUND" });
  });
});
