/**
 * Compiled reads (issue #13): a query whose root fields are all top-level lists (`customers`, `teams`,
 * `virtualKeys`) with selections sql.ts can compile is answered without graphql-js execution: per root field, ONE
 * statement, the keyset page (src/graphql/keyset.ts, as the resolver runs it) with each node built as the
 * response JSON by PostgreSQL. Everything else, and any operation the compiler does not fully understand,
 * runs through graphql-js as before, so errors, authorization failures and unusual shapes keep one implementation.
 */
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { RequestContext } from "../../context.js";
import { authorizeCtx, type ResourceType } from "../../services/access.js";
import type { Entity, ListFilter } from "../keyset.js";
import { listKeysetPage, type ListArgs } from "../lists.js";
import { fieldsOf, hasCandidates, objectSql, objectType, pickCandidates, responseKey, Unsupported, type Scope } from "./sql.js";

/** Switch for tests that compare compiled reads with graphql-js execution; `served` counts compiled answers. */
export const compiledReads = { enabled: true, served: 0 };

const ROOTS: Record<string, { entity: Entity; resource: ResourceType }> = {
  customers: { entity: "Customer", resource: "customer" },
  teams: { entity: "Team", resource: "team" },
  virtualKeys: { entity: "VirtualKey", resource: "virtualKey" },
};

interface RootArgs extends ListArgs {
  filter?: ListFilter | null;
}

const json = JSON.stringify;
/** `{"k":v,…}` from (key, JSON text) pairs. */
const object = (pairs: [string, string][]) => `{${pairs.map(([k, v]) => `${json(k)}:${v}`).join(",")}}`;

/** The JSON text of one root list field, or Unsupported. */
async function rootField(schema: GraphQLSchema, node: FieldNode, scope: Scope, ctx: RequestContext): Promise<string> {
  const root = ROOTS[node.name.value];
  const query = schema.getQueryType()!;
  const def = query.getFields()[node.name.value];
  if (!root || !def || !node.selectionSet) throw new Unsupported("root field");
  const args = getArgumentValues(def, node, scope.variables) as RootArgs;
  const connection = objectType(def.type);
  const fields = fieldsOf(node.selectionSet, connection, scope);
  const edge = objectType(connection.getFields().edges!.type);
  const nodeType = objectType(edge.getFields().node!.type);
  const pageInfo = objectType(connection.getFields().pageInfo!.type);
  let nodeSql: string | undefined;
  let edgePlan: { key: string; kind: "cursor" | "node" | "typename" }[] | null = null;
  const plan: { key: string; kind: "totalCount" | "pageInfo" | "edges" | "typename"; node: FieldNode }[] = [];
  for (const f of fields) {
    const key = responseKey(f);
    const name = f.name.value;
    if (name === "__typename") plan.push({ key, kind: "typename", node: f });
    else if (name === "totalCount") plan.push({ key, kind: "totalCount", node: f });
    else if (name === "pageInfo" && f.selectionSet) {
      for (const p of fieldsOf(f.selectionSet, pageInfo, scope)) {
        if (!["__typename", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"].includes(p.name.value)) throw new Unsupported("pageInfo field");
      }
      plan.push({ key, kind: "pageInfo", node: f });
    } else if (name === "edges" && f.selectionSet && edgePlan === null) {
      edgePlan = [];
      for (const e of fieldsOf(f.selectionSet, edge, scope)) {
        const k = responseKey(e);
        if (e.name.value === "__typename") edgePlan.push({ key: k, kind: "typename" });
        else if (e.name.value === "cursor") edgePlan.push({ key: k, kind: "cursor" });
        else if (e.name.value === "node" && e.selectionSet && nodeSql === undefined) {
          nodeSql = `(${objectSql(nodeType, e.selectionSet, "t0", scope)})::text`;
          edgePlan.push({ key: k, kind: "node" });
        } else throw new Unsupported("edge field");
      }
      plan.push({ key, kind: "edges", node: f });
    } else throw new Unsupported("connection field");
  }
  // Authorized as the resolver's `authScopes: { can: "read:<resource>" }`; a refusal is answered by graphql-js.
  authorizeCtx(ctx, "read", { type: root.resource });
  const withTotal = plan.some((p) => p.kind === "totalCount");
  // One statement: the page, its counts and each edge as the response JSON (cursor and node included, keys in
  // selection order), the page's edges as ONE text copied into the answer as is. Only a page holding primary-budget
  // candidates (an owner with several budgets) is parsed, to pick them.
  const edgeSql = (cursor: string) =>
    `'{' || ${edgePlan!
      .map((p, j) => `'${j ? "," : ""}${json(p.key)}:' || ${p.kind === "cursor" ? `'"' || ${cursor} || '"'` : p.kind === "node" ? nodeSql! : `'${json(edge.name)}'`}`)
      .join(" || ")} || '}'`;
  const page = await listKeysetPage(root.entity, args, args.filter, ctx, withTotal, { edge: edgePlan ? edgeSql : () => `'{}'` });
  const edges = () => (hasCandidates(page.edges!) ? json(pickCandidates(JSON.parse(page.edges!))) : page.edges!);
  const info = { __typename: pageInfo.name, hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, startCursor: page.cursors[0] ?? null, endCursor: page.cursors.at(-1) ?? null };
  return object(
    plan.map((p): [string, string] => {
      if (p.kind === "typename") return [p.key, json(connection.name)];
      if (p.kind === "totalCount") return [p.key, json(page.totalCount ?? 0)];
      if (p.kind === "edges") return [p.key, edges()];
      return [p.key, object(fieldsOf(p.node.selectionSet!, pageInfo, scope).map((f) => [responseKey(f), json(info[f.name.value as keyof typeof info])]))];
    }),
  );
}

/** The response JSON text (`{"data":…}`) of `operation` when every root field compiles; null otherwise (graphql-js then executes it). */
async function compiledResponse(schema: GraphQLSchema, operation: OperationDefinitionNode, scope: Scope, ctx: RequestContext): Promise<string | null> {
  if (operation.operation !== "query" || operation.directives?.length) return null;
  const roots = fieldsOf(operation.selectionSet, schema.getQueryType()!, scope);
  if (!roots.every((r) => ROOTS[r.name.value])) return null;
  const data: [string, string][] = [];
  try {
    for (const r of roots) data.push([responseKey(r), await rootField(schema, r, scope, ctx)]);
  } catch {
    // Unsupported, a refusal, an invalid cursor, a failed statement: graphql-js executes the operation and
    // answers it exactly as it always did (the compiled path never produces an error of its own).
    return null;
  }
  return `{"data":${object(data)}}`;
}
/**
 * The response JSON text of a compiled read, or null when the operation does not compile (graphql-js then runs
 * it). `rawVariables` are the request's, coerced here as graphql-js would; invalid ones are left to graphql-js.
 */
export async function compiledAnswer(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  ctx: RequestContext,
): Promise<string | null> {
  if (!compiledReads.enabled) return null;
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== "query") return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const text = await compiledResponse(schema, operation, { fragments, variables: coerced.coerced, aliases: 0 }, ctx);
  if (text !== null) compiledReads.served++;
  return text;
}

/** The compiled reads as a yoga plugin; `onServed` hears of every document it answered (the fast lane admits it). */
export function useCompiledReads(onServed?: (context: unknown, document: DocumentNode) => void): Plugin {
  return {
    onExecute: async ({ args, setResultAndStopExecution }) => {
      const text = await compiledAnswer(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | null, args.contextValue as unknown as RequestContext);
      if (text === null) return;
      onServed?.(args.contextValue, args.document);
      // yoga writes `stringify(result)` as the body: the text is sent as built; `data` is parsed only if read.
      let data: unknown;
      setResultAndStopExecution({
        get data() {
          return (data ??= (JSON.parse(text) as { data: unknown }).data);
        },
        stringify: () => text,
      } as ExecutionResult);
    },
  };
}
