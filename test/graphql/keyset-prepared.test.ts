/**
 * Keyset pages without filters run as prepared statements on PostgreSQL (src/graphql/keyset.ts preparedName):
 * a customer-admin's scoped list pages the same way under every sort, forward and backward, nodes included, and
 * the prepared statement names stay bounded.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/db/json-select.js";
import { keysetPage, MAX_PREPARED, preparedName, type Direction, type SortField } from "../../src/graphql/keyset.js";
import { rest, unique } from "../helpers/app.js";

const prefix = unique("prepared");
let customer = "";
const keys: { id: string; name: string }[] = [];
const node = compile("VirtualKey", { select: { id: true, name: true } })!;

beforeAll(async () => {
  customer = (await rest("POST", "/api/governance/customers", { name: `${prefix}-c` })).body.customer.id;
  // Created in an order that is neither the name order nor its reverse.
  for (const suffix of ["c", "a", "e", "b", "d"]) {
    const vk = (await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-${suffix}`, customer_id: customer })).body.virtual_key;
    keys.push({ id: vk.id, name: vk.name });
  }
});

async function pageAll(field: SortField, dir: Direction, backward: boolean) {
  const names: string[] = [];
  const flags: [boolean, boolean][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const args = backward ? { last: 2, before: cursor } : { first: 2, after: cursor };
    const page = await keysetPage("VirtualKey", args, { scope: customer }, field, dir, new Date(), true, { node: node.object });
    expect(page.totalCount).toBe(5);
    const rows = page.nodes.map((v) => node.hydrate(v as unknown[]) as { id: string; name: string });
    expect(rows.map((r) => r.id)).toEqual(page.ids);
    if (backward) names.unshift(...rows.map((r) => r.name));
    else names.push(...rows.map((r) => r.name));
    flags.push([page.hasPreviousPage, page.hasNextPage]);
    cursor = (backward ? page.cursors[0] : page.cursors.at(-1)) ?? null;
    if (!(backward ? page.hasPreviousPage : page.hasNextPage)) break;
  }
  return { names, flags };
}

describe("prepared keyset pages (customer scope, no filter)", () => {
  it.each([
    ["NAME", "ASC"],
    ["NAME", "DESC"],
    ["CREATED_AT", "ASC"],
    ["CREATED_AT", "DESC"],
    ["SPEND", "ASC"],
  ] as const)("page forward and backward by %s %s in the same order", async (field, dir) => {
    const byName = keys.map((k) => k.name).sort();
    const byCreation = keys.map((k) => k.name);
    // SPEND: every key spends 0, so the order is the id order.
    const byId = [...keys].sort((a, b) => (a.id < b.id ? -1 : 1)).map((k) => k.name);
    const asc = field === "NAME" ? byName : field === "CREATED_AT" ? byCreation : byId;
    const want = dir === "ASC" ? asc : [...asc].reverse();
    for (let round = 0; round < 3; round++) {
      // Repeated: PostgreSQL may switch a prepared statement to a generic plan after 5 executions.
      const forward = await pageAll(field, dir, false);
      expect(forward.names).toEqual(want);
      expect(forward.flags).toEqual([[false, true], [true, true], [true, false]]);
      const backward = await pageAll(field, dir, true);
      expect(backward.names).toEqual(want);
      expect(backward.flags).toEqual([[true, false], [true, true], [false, true]]);
    }
  });
});

describe("cursors", () => {
  it("are base64url of JSON [field, direction, sort value, id]", async () => {
    const page = await keysetPage("VirtualKey", { first: 5 }, { scope: customer }, "NAME", "DESC", new Date(), false, { node: node.object });
    const names = keys.map((k) => k.name).sort().reverse();
    expect(page.cursors.map((c) => JSON.parse(Buffer.from(c, "base64url").toString("utf8")))).toEqual(page.ids.map((id, i) => ["NAME", "DESC", names[i], id]));
  });
});

describe("preparedName", () => {
  it("names a text once, never a filtered page, and at most MAX_PREPARED texts", () => {
    const text = `SELECT 1 -- ${prefix}`;
    const name = preparedName(text, false);
    expect(name).toMatch(/^gov_keyset_\d+$/);
    expect(preparedName(text, false)).toBe(name);
    expect(preparedName(`${text} filtered`, true)).toBeUndefined();
    for (let i = 0; i < MAX_PREPARED; i++) preparedName(`${text} ${i}`, false);
    expect(preparedName(`${text} one more`, false)).toBeUndefined();
    expect(preparedName(text, false)).toBe(name);
  });
});
