/** Both engines behave alike where the service relies on it: Prisma error codes and integrity rules. */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { mapPgliteError } from "../../src/db/runtime-workarounds.js";
import { unique } from "../helpers/app.js";

const code = (p: Promise<unknown>) => p.then(() => "resolved", (e: { code?: string }) => e.code ?? "no-code");

describe("database engine", () => {
  it("unique violation is P2002", async () => {
    const name = unique("c");
    await db.customer.create({ data: { name } });
    expect(await code(db.customer.create({ data: { name } }))).toBe("P2002");
  });

  it("foreign key violation is P2003", async () => {
    expect(await code(db.team.create({ data: { name: unique("t"), customerId: "00000000-0000-4000-8000-000000000000" } }))).toBe("P2003");
  });

  it("a budget must have exactly one owner, and a key cannot have a team and a customer", async () => {
    const c = await db.customer.create({ data: { name: unique("c") } });
    const t = await db.team.create({ data: { name: unique("t") } });
    await expect(db.budget.create({ data: { maxLimit: 1, resetDuration: "1d" } })).rejects.toThrow(/Budget_exactly_one_owner/);
    await expect(db.budget.create({ data: { maxLimit: 1, resetDuration: "1d", customerId: c.id, teamId: t.id } })).rejects.toThrow(/Budget_exactly_one_owner/);
    await expect(db.budget.create({ data: { maxLimit: 0, resetDuration: "1d", customerId: c.id } })).rejects.toThrow(/Budget_max_limit_positive/);
    await expect(
      db.virtualKey.create({ data: { name: unique("vk"), valueHash: "0".repeat(64), valuePrefix: "sk-bf-0000", valueSuffix: "0000", teamId: t.id, customerId: c.id } }),
    ).rejects.toThrow(/VirtualKey_team_xor_customer/);
  });

  it("deleting an owner cascades to its budgets and rate limit", async () => {
    const c = await db.customer.create({
      data: { name: unique("c"), budgets: { create: { maxLimit: 1, resetDuration: "1d" } }, rateLimit: { create: { requestMaxLimit: 5n, requestResetDuration: "1m" } } },
    });
    await db.customer.delete({ where: { id: c.id } });
    expect(await db.budget.count({ where: { customerId: c.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { customerId: c.id } })).toBe(0);
  });

  it("maps PGlite SQLSTATEs the way adapter-pg does", () => {
    expect(mapPgliteError({ kind: "postgres", code: "23505", message: "dup", detail: "Key (name)=(x) already exists." })).toMatchObject({
      kind: "UniqueConstraintViolation",
      constraint: { fields: ["name"] },
    });
    expect(mapPgliteError({ kind: "postgres", code: "40001", message: "conflict" })).toMatchObject({ kind: "TransactionWriteConflict" });
    expect(mapPgliteError({ kind: "postgres", code: "42P01", message: "x" })).toMatchObject({ kind: "postgres", code: "42P01" });
  });
});
