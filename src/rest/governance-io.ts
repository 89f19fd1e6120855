/** `GET /api/governance/export` and `POST /api/governance/import[?dry_run=true]` (config.json's governance section). Admin only. */
import { exportGovernance, importGovernance, type ImportDiff } from "../services/governance-io.js";
import { json, type Route } from "./http.js";

export const importDiffBody = (d: ImportDiff) => ({
  message: d.dryRun ? "Dry run: nothing was changed" : "Governance imported successfully",
  dry_run: d.dryRun,
  changes: d.changes,
});

export const governanceIoRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/export",
    access: { action: "update", resource: "governanceIo" },
    handler: async ({ ctx }) => json(await exportGovernance(ctx)),
  },
  {
    method: "POST",
    path: "/api/governance/import",
    access: { action: "update", resource: "governanceIo" },
    handler: async ({ ctx, query, body }) => json(importDiffBody(await importGovernance(ctx, await body(), { dryRun: query.get("dry_run") === "true" }))),
  },
];
