/**
 * List pages of issue #13: REST `GET /api/governance/virtual-keys?limit=100` (offset or search) and GraphQL
 * `virtualKeys(first: 100)` keyset pages, each with its floor: one hand-written statement through `pg` that
 * returns the same page (same rows, same relations) as JSON. `ids` extracts the page's key ids from each answer
 * so ours and the floor are checked to be the same page before timing.
 */
type Obj = Record<string, any>;

const json = (alias: string) => `row_to_json(${alias})`;
const budgets = (owner: string, id: string) =>
  `(SELECT COALESCE(json_agg(${json("b")} ORDER BY b."createdAt", b.id), '[]') FROM "Budget" b WHERE b."${owner}" = ${id})`;
const rate = (owner: string, id: string) => `(SELECT ${json("r")} FROM "RateLimit" r WHERE r."${owner}" = ${id})`;
const limits = (owner: string, id: string) => `'budgets', ${budgets(owner, id)}, 'rate_limit', ${rate(owner, id)}`;
const customer = (id: string) => `(SELECT json_build_object('customer', ${json("cu")}, ${limits("customerId", "cu.id")}) FROM "Customer" cu WHERE cu.id = ${id})`;

/** What the REST list returns for each key (spec §2: the relations Bifrost preloads). */
const keyJson = `json_build_object(
  'key', ${json("p")}, ${limits("virtualKeyId", "p.id")},
  'provider_configs', (SELECT COALESCE(json_agg(json_build_object('config', ${json("pc")}, ${limits("providerConfigId", "pc.id")},
      'keys', (SELECT COALESCE(json_agg(${json("pk")} ORDER BY pk.id), '[]') FROM "ProviderConfigKey" x JOIN "ProviderKey" pk ON pk.id = x."providerKeyId" WHERE x."providerConfigId" = pc.id)
    ) ORDER BY pc.id), '[]') FROM "ProviderConfig" pc WHERE pc."virtualKeyId" = p.id),
  'mcp_configs', (SELECT COALESCE(json_agg(json_build_object('config', ${json("m")}, 'client', ${json("mc")}) ORDER BY m.id), '[]')
    FROM "McpConfig" m JOIN "McpClient" mc ON mc.id = m."mcpClientId" WHERE m."virtualKeyId" = p.id),
  'team', (SELECT json_build_object('team', ${json("te")}, ${limits("teamId", "te.id")}, 'customer', ${customer('te."customerId"')}) FROM "Team" te WHERE te.id = p."teamId"),
  'customer', ${customer('p."customerId"')})`;

/** REST page floor: $1 = offset, $2 = search pattern (ILIKE) or null. */
export const floorRestPage = `
  WITH page AS (SELECT * FROM "VirtualKey" WHERE $2::text IS NULL OR name ILIKE $2 ORDER BY "createdAt", id OFFSET $1 LIMIT 100)
  SELECT json_build_object(
    'total_count', (SELECT count(*) FROM "VirtualKey" WHERE $2::text IS NULL OR name ILIKE $2),
    'virtual_keys', (SELECT COALESCE(json_agg(${keyJson} ORDER BY p."createdAt", p.id), '[]') FROM page p))::text AS page`;

export const restIds = (body: Obj): string[] => body.virtual_keys.map((k: Obj) => k.id);
export const floorRestIds = (page: Obj): string[] => page.virtual_keys.map((k: Obj) => k.key.id);

export const oursKeyset = (totalCount: boolean) => `
  query BenchKeys($after: String) {
    virtualKeys(first: 100, after: $after) {
      ${totalCount ? "totalCount" : ""}
      pageInfo { hasNextPage endCursor }
      edges { cursor node { uuid name isActive createdAt } }
    }
  }
`;

/** Keyset floor: $1/$2 = the cursor's (createdAt, id) or nulls for the first page; 101 rows tell hasNextPage. */
export const floorKeyset = (totalCount: boolean) => `
  SELECT json_build_object(
    ${totalCount ? `'totalCount', (SELECT count(*) FROM "VirtualKey"),` : ""}
    'rows', COALESCE(json_agg(json_build_object('id', k.id, 'name', k.name, 'isActive', k."isActive", 'createdAt', k."createdAt",
      'cursor', to_char(k."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) ORDER BY k."createdAt", k.id), '[]'))::text AS page
  FROM (SELECT * FROM "VirtualKey" WHERE $1::timestamptz IS NULL OR ("createdAt", id) > ($1::timestamptz, $2::uuid) ORDER BY "createdAt", id LIMIT 101) k`;

export const keysetIds = (data: Obj): string[] => data.virtualKeys.edges.map((e: Obj) => e.node.uuid);
export const floorKeysetIds = (page: Obj): string[] => page.rows.slice(0, 100).map((r: Obj) => r.id);

/** Our opaque cursor for a key (src/graphql/keyset.ts: base64url of [field, direction, sort value, id]). */
export const cursorOf = (sv: string, id: string) => Buffer.from(JSON.stringify(["CREATED_AT", "ASC", sv, id])).toString("base64url");
