/** config.json's governance section over GraphQL (admin only): `governanceExport` and `importGovernance`. */
import { exportGovernance, importGovernance, type ImportDiff } from "../../services/governance-io.js";
import { builder } from "../builder.js";
import { ForbiddenError, mutationErrors, UnauthenticatedError } from "../errors.js";

const ImportGovernancePayload = builder.objectRef<ImportDiff>("ImportGovernancePayload").implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean("dryRun"),
    changes: t.string({ description: "Per kind (budgets, rate_limits, customers, teams, virtual_keys): ids created and updated, count unchanged (JSON).", resolve: (d) => JSON.stringify(d.changes) }),
  }),
});

const GovernanceExport = builder.objectRef<{ text: string }>("GovernanceExport").implement({
  fields: (t) => ({ json: t.exposeString("text", { description: "The file's text (2-space JSON, trailing newline)." }) }),
});

builder.queryField("governanceExport", (t) =>
  t.field({
    type: GovernanceExport,
    description: "Admin only: the governance section of Bifrost's config.json (JSON text, as GET /api/governance/export).",
    authScopes: { can: "update:governanceIo" },
    errors: { types: [ForbiddenError, UnauthenticatedError], directResult: true, union: { name: "GovernanceExportResult" } },
    resolve: async (_root, _args, ctx) => {
      return { text: `${JSON.stringify(await exportGovernance(ctx), null, 2)}\n` };
    },
  }),
);

builder.mutationField("importGovernance", (t) =>
  t.field({
    type: ImportGovernancePayload,
    description: "Admin only: imports a config.json (JSON text) in one transaction, upserting by id and keeping live usage; dryRun reports only.",
    args: { file: t.arg.string({ required: true }), dryRun: t.arg.boolean() },
    errors: { types: mutationErrors, directResult: true, union: { name: "ImportGovernanceResult" } },
    authScopes: { can: "update:governanceIo" },
    resolve: async (_root, { file, dryRun }, ctx) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(file);
      } catch {
        parsed = null; // the service answers "Invalid JSON"
      }
      return importGovernance(ctx, camelize(parsed), { dryRun: dryRun ?? false });
    },
  }),
);

/** The file's keys are snake_case (as REST bodies, which the REST edge camelizes); the service reads camelCase. */
function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camelize(v)]));
  }
  return value;
}
