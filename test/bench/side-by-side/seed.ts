/**
 * Benchmark data, written with one INSERT … SELECT generate_series per table (100,000 keys in seconds).
 * Every customer has the same shape: a budget and a rate limit; 10 teams with a budget each; 10 keys per team,
 * each with a budget, a rate limit and one provider config (openai) that has its own budget. Names and
 * creation times follow the customer number, so `customers(first: 50)` is always customers 0‥49 and a later
 * batch (customers 50‥999, created after) never enters the nested workloads.
 */
import type pg from "pg";

export const TEAMS_PER_CUSTOMER = 10;
export const KEYS_PER_TEAM = 10;
export const KEYS_PER_CUSTOMER = TEAMS_PER_CUSTOMER * KEYS_PER_TEAM;

const pad = (n: string) => `lpad((${n})::text, 4, '0')`;
/** Creation times (millisecond columns): customer c at c s, its team t 100·t ms later, key k of it k ms after that. */
const at = (c: string) => `timestamptz '2026-01-01 00:00:00+00' + (${c}) * interval '1 second'`;

/** Adds customers [from, to) with their teams, keys, budgets, rate limits and provider configs. */
export async function seedCustomers(client: pg.ClientBase, from: number, to: number): Promise<void> {
  const range = `generate_series(${from}, ${to - 1})`;
  await client.query("BEGIN");
  await client.query(`
    INSERT INTO "Customer" (id, name, "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 'bench-c' || ${pad("c")}, ${at("c")}, ${at("c")} FROM ${range} c`);
  await client.query(`
    INSERT INTO "Team" (id, name, "customerId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), cu.name || '-t' || t, cu.id, cu."createdAt" + t * interval '100 milliseconds', cu."createdAt"
    FROM "Customer" cu CROSS JOIN generate_series(0, ${TEAMS_PER_CUSTOMER - 1}) t
    WHERE cu.name >= 'bench-c' || ${pad(String(from))} AND cu.name < 'bench-c' || ${pad(String(to))}`);
  await client.query(`
    INSERT INTO "VirtualKey" (id, name, description, "valueHash", "valuePrefix", "valueSuffix", "isActive", "teamId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), te.name || '-k' || k, 'bench key ' || k, md5(te.name || k) || md5(k || te.name), 'sk-bf-ab' || lpad(k::text, 2, '0'), 'wx' || lpad(k::text, 2, '0'),
           k % 9 <> 8, te.id, te."createdAt" + k * interval '1 millisecond', te."createdAt"
    FROM "Team" te CROSS JOIN generate_series(0, ${KEYS_PER_TEAM - 1}) k
    WHERE te.name >= 'bench-c' || ${pad(String(from))} AND te.name < 'bench-c' || ${pad(String(to))}`);
  const newKeys = `SELECT vk.* FROM "VirtualKey" vk WHERE vk.name >= 'bench-c' || ${pad(String(from))} AND vk.name < 'bench-c' || ${pad(String(to))}`;
  const newTeams = `SELECT te.* FROM "Team" te WHERE te.name >= 'bench-c' || ${pad(String(from))} AND te.name < 'bench-c' || ${pad(String(to))}`;
  const newCustomers = `SELECT cu.* FROM "Customer" cu WHERE cu.name >= 'bench-c' || ${pad(String(from))} AND cu.name < 'bench-c' || ${pad(String(to))}`;
  await client.query(`
    INSERT INTO "ProviderConfig" ("virtualKeyId", provider, weight, "allowedModels", "allowAllKeys", "createdAt", "updatedAt")
    SELECT id, 'openai', 1, ARRAY['gpt-4o', 'gpt-4o-mini'], true, "createdAt", "createdAt" FROM (${newKeys}) k ORDER BY "createdAt", id`);
  await client.query(`
    INSERT INTO "Budget" (id, "maxLimit", "resetDuration", "currentUsage", "customerId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 1000, '1M', 12.5, id, "createdAt", "createdAt" FROM (${newCustomers}) c`);
  await client.query(`
    INSERT INTO "Budget" (id, "maxLimit", "resetDuration", "currentUsage", "teamId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 100, '1w', 3.25, id, "createdAt", "createdAt" FROM (${newTeams}) t`);
  await client.query(`
    INSERT INTO "Budget" (id, "maxLimit", "resetDuration", "currentUsage", "virtualKeyId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 10, '1d', (abs(hashtext(id::text)) % 700) / 100.0, id, "createdAt", "createdAt" FROM (${newKeys}) k`);
  await client.query(`
    INSERT INTO "Budget" (id, "maxLimit", "resetDuration", "providerConfigId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 2, '1h', pc.id, pc."createdAt", pc."createdAt" FROM "ProviderConfig" pc JOIN (${newKeys}) k ON k.id = pc."virtualKeyId"`);
  await client.query(`
    INSERT INTO "RateLimit" (id, "requestMaxLimit", "requestResetDuration", "tokenMaxLimit", "tokenResetDuration", "customerId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 100000, '1h', 100000000, '1d', id, "createdAt", "createdAt" FROM (${newCustomers}) c`);
  await client.query(`
    INSERT INTO "RateLimit" (id, "requestMaxLimit", "requestResetDuration", "tokenMaxLimit", "tokenResetDuration", "virtualKeyId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 100, '1m', 100000, '1h', id, "createdAt", "createdAt" FROM (${newKeys}) k`);
  await client.query("COMMIT");
  await client.query("VACUUM ANALYZE");
}
