/**
 * The REST wire shape of a virtual key (src/rest/serialize.ts `virtualKey()`, Bifrost's snake_case JSON with
 * every relation it preloads) written by PostgreSQL: one SQL expression per key row, so a list page is one
 * statement whose text goes out as it is (issue #13: parsing, hydrating and re-serializing the rows cost
 * ~16 ms of server CPU per 100-key page). Field order, omitted fields and number/date formats are those of
 * serialize.ts; test/rest/virtual-key-json.test.ts proves the bytes equal on both engines. Secrets are never
 * read: a provider key's value shows only whether it is an `env.` reference (src/services/secrets.ts).
 */
import { array, bigint, bool, decimal, float, int, object, str, strings, time, uuid, type Field } from "../db/json-text.js";

const stamps = (a: string): Field[] => [
  ["config_hash", str(`${a}."configHash"`)],
  ["created_at", time(`${a}."createdAt"`)],
  ["updated_at", time(`${a}."updatedAt"`)],
];

function budget(b: string): string {
  return object([
    ["id", uuid(`${b}.id`)],
    ["max_limit", decimal(`${b}."maxLimit"`)],
    ["reset_duration", str(`${b}."resetDuration"`)],
    ["calendar_aligned", bool(`${b}."calendarAligned"`)],
    ["last_reset", time(`${b}."lastReset"`)],
    ["current_usage", decimal(`${b}."currentUsage"`)],
    ...stamps(b),
    ["override", `CASE WHEN ${b}."overrideAmount" IS NOT NULL THEN concat(',"override_amount":', ${decimal(`${b}."overrideAmount"`)},
      ',"override_mode":', COALESCE(${str(`${b}."overrideMode"`)}, 'null'), ',"override_cycles_remaining":' || ${int(`${b}."overrideCyclesRemaining"`)}) END`, "raw"],
  ]);
}

function rateLimit(r: string): string {
  return object([
    ["id", uuid(`${r}.id`)],
    ["token_max_limit", bigint(`${r}."tokenMaxLimit"`), "optional"],
    ["token_reset_duration", str(`${r}."tokenResetDuration"`), "optional"],
    ["token_current_usage", bigint(`${r}."tokenCurrentUsage"`)],
    ["token_last_reset", time(`${r}."tokenLastReset"`)],
    ["request_max_limit", bigint(`${r}."requestMaxLimit"`), "optional"],
    ["request_reset_duration", str(`${r}."requestResetDuration"`), "optional"],
    ["request_current_usage", bigint(`${r}."requestCurrentUsage"`)],
    ["request_last_reset", time(`${r}."requestLastReset"`)],
    ...stamps(r),
  ]);
}

/**
 * `,"budget_id":…,"rate_limit_id":…,"budget":…,"budgets":[…],"rate_limit":…` of the owner whose `column` is `id`
 * (serialize.ts limits(): budgets shortest window first, the first one also as `budget`; absent parts left out).
 * Budget order is the SQL function duration_ns (migration 20261130053000), the same order as compareDurations
 * (equal windows, which validation does not let an owner have, by id). The aggregates read a sorted subquery
 * (nothing else at their level: PostgreSQL keeps the order) instead of three `agg(… ORDER BY …)`, each of which
 * set up its own sort for every owner: 211 owners a page, ~1.4 ms of the statement's ~7 ms of backend CPU.
 */
function limits(column: string, id: string): Field {
  const sql = `(SELECT concat(',"budget_id":' || bs.first_id, ',"rate_limit_id":' || rl.id, ',"budget":' || bs.first,
      ',"budgets":[' || bs.list || ']', ',"rate_limit":' || rl.body)
    FROM (SELECT (array_agg(x.id))[1] AS first_id, (array_agg(x.body))[1] AS first, string_agg(x.body, ',') AS list
      FROM (SELECT ${uuid("b.id")} AS id, ${budget("b")} AS body FROM "Budget" b WHERE b."${column}" = ${id}
        ORDER BY ${windowOrder('b."resetDuration"')}, b.id) x) bs
    LEFT JOIN (SELECT ${uuid("r.id")} AS id, ${rateLimit("r")} AS body FROM "RateLimit" r WHERE r."${column}" = ${id}) rl ON true)`;
  return ["limits", sql, "raw"];
}

const UNIT_NS = { s: 1e9, m: 6e10, h: 3.6e12, d: 8.64e13, w: 6.048e14, M: 2.592e15, Q: 7.776e15, Y: 3.1536e16 };

/**
 * duration_ns(d): inline for one- or two-digit single-unit windows (1h, 30d, 1M: nearly all of them; a
 * PL/pgSQL call costs ~10 µs, 4 budgets a key), the function for the rest.
 */
export function windowOrder(d: string): string {
  const units = Object.entries(UNIT_NS).map(([u, ns]) => `WHEN '${u}' THEN ${BigInt(ns)}`).join(" ");
  return `CASE WHEN ${d} ~ '^[0-9]{1,2}[smhdwMQY]$' THEN nullif(left(${d}, -1)::numeric * CASE right(${d}, 1) ${units} END, 0) ELSE duration_ns(${d}) END`;
}

function providerKey(k: string): string {
  const fromEnv = `starts_with(${k}.value, 'env.')`;
  return object([
    ["id", int(`${k}.id`)],
    ["name", str(`${k}.name`)],
    ["provider", str(`${k}.provider`)],
    ["key_id", uuid(`${k}."keyId"`)],
    ["value", `concat('{"value":"","env_var":', CASE WHEN ${fromEnv} THEN ${str(`${k}.value`)} ELSE '""' END, ',"from_env":', ${bool(fromEnv)}, '}')`],
    ["models", strings(`${k}.models`)],
    ["weight", float(`${k}.weight`)],
    ["enabled", bool(`${k}.enabled`)],
    ["use_for_batch_api", bool(`${k}."useForBatchApi"`)],
    ...stamps(k),
  ]);
}

function providerConfig(pc: string): string {
  return object([
    ["id", int(`${pc}.id`)],
    ["virtual_key_id", uuid(`${pc}."virtualKeyId"`)],
    ["provider", str(`${pc}.provider`)],
    ["weight", float(`${pc}.weight`), "nullable"],
    ["allowed_models", strings(`${pc}."allowedModels"`)],
    ["blacklisted_models", strings(`${pc}."blacklistedModels"`)],
    ["allow_all_keys", bool(`${pc}."allowAllKeys"`)],
    limits("providerConfigId", `${pc}.id`),
    ["keys", array(providerKey("pk"), `FROM "ProviderConfigKey" pck JOIN "ProviderKey" pk ON pk.id = pck."providerKeyId" WHERE pck."providerConfigId" = ${pc}.id`, `pck."providerKeyId"`)],
  ]);
}

function mcpConfig(m: string, client: string): string {
  return object([
    ["id", int(`${m}.id`)],
    ["virtual_key_id", uuid(`${m}."virtualKeyId"`)],
    ["mcp_client_id", int(`${m}."mcpClientId"`)],
    ["mcp_client_name", str(`${client}.name`)],
    ["tools_to_execute", strings(`${m}."toolsToExecute"`)],
    ["mcp_client", object([["id", int(`${client}.id`)], ["name", str(`${client}.name`)], ["connection_type", str(`${client}."connectionType"`)]])],
  ]);
}

function customer(cu: string): string {
  return object([
    ["id", uuid(`${cu}.id`)],
    ["name", str(`${cu}.name`)],
    ["email", str(`${cu}.email`), "optional"],
    limits("customerId", `${cu}.id`),
    ["calendar_aligned", bool(`${cu}."calendarAligned"`)],
    ...stamps(cu),
  ]);
}

/** The team row `te` with its customer's JSON `customerBody` (NULL: none). */
function team(te: string, customerBody: string): string {
  return object([
    ["id", uuid(`${te}.id`)],
    ["name", str(`${te}.name`)],
    ["customer_id", uuid(`${te}."customerId"`), "optional"],
    limits("teamId", `${te}.id`),
    ["calendar_aligned", bool(`${te}."calendarAligned"`)],
    ["customer", customerBody, "optional"],
    ...stamps(te),
  ]);
}

/** The key row `k` with its team's and customer's JSON (NULL: none), as serialize.ts virtualKey(row) writes it. */
function virtualKey(k: string, teamBody: string, customerBody: string): string {
  return object([
    ["id", uuid(`${k}.id`)],
    ["name", str(`${k}.name`)],
    ["value", str(`${k}."valuePrefix" || '…' || ${k}."valueSuffix"`)],
    ["description", str(`${k}.description`)],
    ["is_active", bool(`${k}."isActive"`)],
    ["team_id", uuid(`${k}."teamId"`), "optional"],
    ["customer_id", uuid(`${k}."customerId"`), "optional"],
    limits("virtualKeyId", `${k}.id`),
    ["calendar_aligned", bool(`${k}."calendarAligned"`)],
    ["allow_all_providers", bool(`${k}."allowAllProviders"`)],
    ["disable_content_logging", bool(`${k}."disableContentLogging"`), "optional"],
    ["provider_configs", array(providerConfig("pc"), `FROM "ProviderConfig" pc WHERE pc."virtualKeyId" = ${k}.id`, "pc.id")],
    ["mcp_configs", array(mcpConfig("m", "mc"), `FROM "McpConfig" m JOIN "McpClient" mc ON mc.id = m."mcpClientId" WHERE m."virtualKeyId" = ${k}.id`, "m.id")],
    ...stamps(k),
    ["team", teamBody, "optional"],
    ["customer", customerBody, "optional"],
  ]);
}

/**
 * The JSON array of the keys whose ids are $1 (uuid[]), in that order, as serialize.ts writes them: its UTF-8
 * bytes in base64 (`items`), which node decodes straight into a Buffer. As text, the page became a two-byte
 * JavaScript string (one `…` per masked key value) to decode, measure and encode again: ~2/3 of the server's
 * CPU per page. Each team and customer is written once, however many of the keys it owns. The statement does
 * not depend on the list's filters and plans the same for any page (the ids come as an array: no LIMIT to
 * estimate), so one prepared statement serves every page with a cached plan.
 */
export const virtualKeysJsonSql = `WITH keys AS MATERIALIZED (
    SELECT k.*, p.n FROM unnest($1::uuid[]) WITH ORDINALITY AS p(id, n) JOIN "VirtualKey" k ON k.id = p.id),
  customers AS MATERIALIZED (SELECT cu.id, ${customer("cu")} AS body FROM "Customer" cu
    WHERE cu.id IN (SELECT "customerId" FROM keys UNION SELECT te."customerId" FROM "Team" te WHERE te.id IN (SELECT "teamId" FROM keys))),
  teams AS MATERIALIZED (SELECT te.id, ${team("te", `(SELECT c.body FROM customers c WHERE c.id = te."customerId")`)} AS body FROM "Team" te
    WHERE te.id IN (SELECT "teamId" FROM keys))
  SELECT encode(convert_to('[' || COALESCE(string_agg(${virtualKey("k", `(SELECT t.body FROM teams t WHERE t.id = k."teamId")`, `(SELECT c.body FROM customers c WHERE c.id = k."customerId")`)}, ',' ORDER BY k.n), '') || ']', 'UTF8'), 'base64') AS items
  FROM keys k`;
