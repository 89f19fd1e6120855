/**
 * A customer-admin cannot learn whether another customer's team or customer exists: naming one as an owner
 * (creating or moving a key, creating a team) answers exactly what a never-existing id answers, and writes nothing.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique } from "../helpers/app.js";
import { bearer, buildWorld, call, type World, revokeAllKeys } from "./fixtures.js";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});
afterAll(revokeAllKeys);

/** The answer with `id` replaced by a placeholder, so two answers about different ids compare. */
const shape = (r: { status: number; body: unknown }, id: string) => ({ status: r.status, body: JSON.parse(JSON.stringify(r.body).replaceAll(id, "<id>")) });

describe("customer-admin of another customer: foreign owners read as absent", () => {
  const asOther = (method: string, path: string, body: unknown) => call(method, path, body, { headers: bearer(world.tokens.customerAdminOther) });

  it("a key under another customer's team or customer answers as for an unknown id", async () => {
    const ghost = randomUUID();
    for (const field of ["team_id", "customer_id"] as const) {
      const foreign = field === "team_id" ? world.teamA : world.customerA;
      const name = unique("probe");
      const real = await asOther("POST", "/api/governance/virtual-keys", { name, [field]: foreign });
      const absent = await asOther("POST", "/api/governance/virtual-keys", { name, [field]: ghost });
      expect([400, 404], field).toContain(real.status);
      expect(shape(real, foreign), field).toEqual(shape(absent, ghost));
    }
  });

  it("a team under another customer answers as for an unknown customer", async () => {
    const ghost = randomUUID();
    const name = unique("probe-team");
    const real = await asOther("POST", "/api/governance/teams", { name, customer_id: world.customerA });
    const absent = await asOther("POST", "/api/governance/teams", { name, customer_id: ghost });
    expect([400, 404]).toContain(real.status);
    expect(shape(real, world.customerA)).toEqual(shape(absent, ghost));
  });

  it("moving its own key to another customer's team answers as for an unknown team", async () => {
    const own = await asOther("POST", "/api/governance/virtual-keys", { name: unique("probe-own") });
    expect(own.status).toBe(200);
    const id = own.body.virtual_key.id as string;
    const ghost = randomUUID();
    const real = await asOther("PUT", `/api/governance/virtual-keys/${id}`, { team_id: world.teamA });
    const absent = await asOther("PUT", `/api/governance/virtual-keys/${id}`, { team_id: ghost });
    expect(real.status).toBe(400);
    expect(shape(real, world.teamA)).toEqual(shape(absent, ghost));
  });
});
