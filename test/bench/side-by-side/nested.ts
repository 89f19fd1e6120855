/**
 * The nested read of issue #13: customers → teams → keys → budget / rate limit / provider configs (with their
 * budget), as our GraphQL query, the same read in PostGraphile's generated schema, and the floor (one
 * hand-written statement through `pg` returning the page as JSON). `leaves` reduces each answer to sorted leaf
 * rows so the three can be compared before anything is timed.
 */
const budgetFields = "maxLimit currentUsage resetDuration";
const rateFields = "requestMaxLimit requestResetDuration tokenMaxLimit tokenResetDuration";

export const oursNested = `
  query BenchNested($first: Int!, $keys: Int!) {
    customers(first: $first) {
      edges { node {
        name calendarAligned
        budget { ${budgetFields} lastReset }
        rateLimit { ${rateFields} }
        teams {
          name
          budget { ${budgetFields} }
          virtualKeys(first: $keys) { edges { node {
            name description isActive createdAt
            budget { ${budgetFields} lastReset }
            rateLimit { ${rateFields} }
            providerConfigs { provider weight allowedModels budget { ${budgetFields} } }
          } } }
        }
      } }
    }
  }
`;

const byAge = "orderBy: [CREATED_AT_ASC, PRIMARY_KEY_ASC]";
export const peerNested = `
  query BenchNested($first: Int!, $keys: Int!) {
    allCustomers(first: $first, ${byAge}) { nodes {
      name calendarAligned
      budgetsByCustomerId(${byAge}) { nodes { ${budgetFields} lastReset } }
      rateLimitsByCustomerId { nodes { ${rateFields} } }
      teamsByCustomerId(${byAge}) { nodes {
        name
        budgetsByTeamId(${byAge}) { nodes { ${budgetFields} } }
        virtualKeysByTeamId(first: $keys, ${byAge}) { nodes {
          name description isActive createdAt
          budgetsByVirtualKeyId(${byAge}) { nodes { ${budgetFields} lastReset } }
          rateLimitsByVirtualKeyId { nodes { ${rateFields} } }
          providerConfigsByVirtualKeyId(orderBy: PRIMARY_KEY_ASC) { nodes {
            provider weight allowedModels
            budgetsByProviderConfigId(${byAge}) { nodes { ${budgetFields} } }
          } }
        } }
      } }
    } }
  }
`;

const budgetJson = (alias: string) =>
  `json_build_object('maxLimit', ${alias}."maxLimit", 'currentUsage', ${alias}."currentUsage", 'resetDuration', ${alias}."resetDuration", 'lastReset', ${alias}."lastReset")`;
const rateJson = (alias: string) =>
  `json_build_object('requestMaxLimit', ${alias}."requestMaxLimit", 'requestResetDuration', ${alias}."requestResetDuration", 'tokenMaxLimit', ${alias}."tokenMaxLimit", 'tokenResetDuration', ${alias}."tokenResetDuration")`;
const firstBudget = (owner: string, id: string) =>
  `(SELECT ${budgetJson("b")} FROM "Budget" b WHERE b."${owner}" = ${id} ORDER BY b."resetDuration", b."createdAt", b.id LIMIT 1)`;
const rateOf = (owner: string, id: string) => `(SELECT ${rateJson("r")} FROM "RateLimit" r WHERE r."${owner}" = ${id})`;

/** $1 = number of customers, $2 = keys per team. */
export const floorNested = `
  SELECT COALESCE(json_agg(json_build_object(
    'name', c.name, 'calendarAligned', c."calendarAligned",
    'budget', ${firstBudget("customerId", "c.id")}, 'rateLimit', ${rateOf("customerId", "c.id")},
    'teams', (SELECT COALESCE(json_agg(json_build_object(
      'name', t.name, 'budget', ${firstBudget("teamId", "t.id")},
      'virtualKeys', (SELECT COALESCE(json_agg(json_build_object(
        'name', k.name, 'description', k.description, 'isActive', k."isActive", 'createdAt', k."createdAt",
        'budget', ${firstBudget("virtualKeyId", "k.id")}, 'rateLimit', ${rateOf("virtualKeyId", "k.id")},
        'providerConfigs', (SELECT COALESCE(json_agg(json_build_object(
          'provider', pc.provider, 'weight', pc.weight, 'allowedModels', pc."allowedModels",
          'budget', ${firstBudget("providerConfigId", "pc.id")}) ORDER BY pc.id), '[]') FROM "ProviderConfig" pc WHERE pc."virtualKeyId" = k.id)
      ) ORDER BY k."createdAt", k.id), '[]') FROM (SELECT * FROM "VirtualKey" WHERE "teamId" = t.id ORDER BY "createdAt", id LIMIT $2) k)
    ) ORDER BY t."createdAt", t.id), '[]') FROM "Team" t WHERE t."customerId" = c.id)
  ) ORDER BY c."createdAt", c.id), '[]')::text AS page
  FROM (SELECT * FROM "Customer" ORDER BY "createdAt", id LIMIT $1) c`;

type Obj = Record<string, any>;
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const t = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString());
const budgetLeaf = (b: Obj | null | undefined, withReset = false) => (b ? [n(b.maxLimit), n(b.currentUsage), b.resetDuration, withReset ? t(b.lastReset) : 0] : null);
const rateLeaf = (r: Obj | null | undefined) => (r ? [n(r.requestMaxLimit), r.requestResetDuration, n(r.tokenMaxLimit), r.tokenResetDuration] : null);

interface Plain {
  name: string;
  calendarAligned: boolean;
  budget: Obj | null;
  rateLimit: Obj | null;
  teams: { name: string; budget: Obj | null; virtualKeys: Obj[] }[];
}

function rows(customers: Plain[]): string[] {
  const out: string[] = [];
  for (const c of customers) {
    out.push(JSON.stringify(["customer", c.name, c.calendarAligned, budgetLeaf(c.budget, true), rateLeaf(c.rateLimit)]));
    for (const team of c.teams) {
      out.push(JSON.stringify(["team", c.name, team.name, budgetLeaf(team.budget)]));
      for (const k of team.virtualKeys) {
        const pcs = (k.providerConfigs as Obj[]).map((pc) => [pc.provider, n(pc.weight), pc.allowedModels, budgetLeaf(pc.budget)]);
        out.push(JSON.stringify(["key", team.name, k.name, k.description, k.isActive, t(k.createdAt), budgetLeaf(k.budget, true), rateLeaf(k.rateLimit), pcs]));
      }
    }
  }
  return out;
}

export function oursLeaves(data: Obj): string[] {
  return rows(
    data.customers.edges.map(({ node: c }: Obj) => ({
      ...c,
      teams: c.teams.map((team: Obj) => ({ ...team, virtualKeys: team.virtualKeys.edges.map((e: Obj) => e.node) })),
    })),
  );
}

const one = (conn: Obj) => conn.nodes[0] ?? null;
export function peerLeaves(data: Obj): string[] {
  return rows(
    data.allCustomers.nodes.map((c: Obj) => ({
      name: c.name,
      calendarAligned: c.calendarAligned,
      budget: one(c.budgetsByCustomerId),
      rateLimit: one(c.rateLimitsByCustomerId),
      teams: c.teamsByCustomerId.nodes.map((team: Obj) => ({
        name: team.name,
        budget: one(team.budgetsByTeamId),
        virtualKeys: team.virtualKeysByTeamId.nodes.map((k: Obj) => ({
          ...k,
          budget: one(k.budgetsByVirtualKeyId),
          rateLimit: one(k.rateLimitsByVirtualKeyId),
          providerConfigs: k.providerConfigsByVirtualKeyId.nodes.map((pc: Obj) => ({ ...pc, budget: one(pc.budgetsByProviderConfigId) })),
        })),
      })),
    })),
  );
}

export const floorLeaves = (page: Obj[]): string[] => rows(page as Plain[]);
