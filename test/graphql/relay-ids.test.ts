/** Issue 11: every GraphQL argument that names an entity accepts the relay `id` as well as the `uuid`. */
import { describe, expect, it } from "vitest";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const q = executeRaw;

describe("relay ids wherever a uuid is accepted", () => {
  it("customer(id:), updateCustomer, team filters and owner inputs, virtualKey and its mutations", async () => {
    const c = await q(`mutation($n: String!) { createCustomer(input: { name: $n }) { ... on CustomerPayload { customer { id uuid } } } }`, { n: unique("cust") });
    const { id: relay, uuid } = c.data.createCustomer.customer;
    expect(relay).not.toBe(uuid);
    expect((await q(`query($id: String!) { customer(id: $id) { uuid } }`, { id: relay })).data.customer).toEqual({ uuid });
    expect((await q(`query($id: String!) { customer(id: $id) { uuid } }`, { id: uuid })).data.customer).toEqual({ uuid });
    const renamed = unique("cust");
    const upd = await q(`mutation($id: String!, $n: String!) { updateCustomer(id: $id, input: { name: $n }) { __typename ... on CustomerPayload { customer { name } } } }`, { id: relay, n: renamed });
    expect(upd.data.updateCustomer).toEqual({ __typename: "CustomerPayload", customer: { name: renamed } });

    const t = await q(`mutation($n: String!, $c: String!) { createTeam(input: { name: $n, customerId: $c }) { __typename ... on TeamPayload { team { id uuid customer { uuid } } } } }`, { n: unique("team"), c: relay });
    expect(t.data.createTeam.team.customer).toEqual({ uuid });
    const teams = await q(`query($c: String!) { teams(filter: { customerId: $c }) { edges { node { uuid } } } }`, { c: relay });
    expect(teams.data.teams.edges).toEqual([{ node: { uuid: t.data.createTeam.team.uuid } }]);

    const vk = await q(`mutation($n: String!, $t: String!) { createVirtualKey(input: { name: $n, teamId: $t }) { __typename ... on CreateVirtualKeyPayload { virtualKey { id uuid team { uuid } } } } }`, { n: unique("vk"), t: t.data.createTeam.team.id });
    const key = vk.data.createVirtualKey.virtualKey;
    expect(key.team).toEqual({ uuid: t.data.createTeam.team.uuid });
    expect((await q(`query($id: String!) { virtualKey(id: $id) { uuid } }`, { id: key.id })).data.virtualKey).toEqual({ uuid: key.uuid });
    const keys = await q(`query($t: String!) { virtualKeys(filter: { teamId: $t }) { edges { node { uuid } } } }`, { t: t.data.createTeam.team.id });
    expect(keys.data.virtualKeys.edges).toEqual([{ node: { uuid: key.uuid } }]);
    const moved = await q(`mutation($id: String!, $c: String!) { updateVirtualKey(id: $id, input: { customerId: $c }) { __typename ... on VirtualKeyPayload { virtualKey { customer { uuid } team { uuid } } } } }`, { id: key.id, c: relay });
    expect(moved.data.updateVirtualKey.virtualKey).toEqual({ customer: { uuid }, team: null });
    const rot = await q(`mutation($id: String!) { rotateVirtualKey(id: $id) { __typename } }`, { id: key.id });
    expect(rot.data.rotateVirtualKey.__typename).toBe("RotateVirtualKeyPayload");
    const del = await q(`mutation($id: String!) { deleteVirtualKey(id: $id) { __typename } }`, { id: key.id });
    expect(del.data.deleteVirtualKey.__typename).toBe("DeletedPayload");
  });

  it("a malformed id, or another type's relay id, is null on reads and NotFoundError on writes", async () => {
    const r = await rest("POST", "/api/governance/customers", { name: unique("cust") });
    const otherType = encodeGlobalID("Team", r.body.customer.id);
    for (const id of ["nope", "", otherType, encodeGlobalID("Customer", "not-a-uuid"), "Q3VzdG9tZXI6"]) {
      expect((await q(`query($id: String!) { customer(id: $id) { uuid } }`, { id })).data.customer).toBeNull();
      const upd = await q(`mutation($id: String!) { updateCustomer(id: $id, input: { name: "x" }) { __typename } }`, { id });
      expect(upd.data.updateCustomer.__typename).toBe("NotFoundError");
    }
  });
});
