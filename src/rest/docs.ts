/**
 * GET /docs: the interactive REST reference (Swagger UI) on /openapi.json, its assets served from the
 * installed swagger-ui-dist package (no CDN: works offline). No inline script, so the page's CSP allows only 'self'.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Env, Hono } from "hono";

const dist = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Governance REST API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });\n`;

/** Content-Security-Policy of the /docs pages: scripts and styles from this origin (Swagger UI sets inline styles). */
export const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

export function registerDocs<E extends Env>(app: Hono<E>): void {
  const assets = new Map<string, { type: string; body?: string }>([
    ["swagger-ui.css", { type: "text/css; charset=utf-8" }],
    ["swagger-ui-bundle.js", { type: "text/javascript; charset=utf-8" }],
  ]);
  const headers = (type: string) => ({ "content-type": type, "content-security-policy": DOCS_CSP, "cache-control": "public, max-age=3600" });
  app.get("/docs", () => new Response(page, { headers: { ...headers("text/html; charset=utf-8"), "cache-control": "no-cache" } }));
  app.get("/docs/init.js", () => new Response(init, { headers: headers("text/javascript; charset=utf-8") }));
  app.get("/docs/:asset{swagger-ui\\.css|swagger-ui-bundle\\.js}", (c) => {
    const asset = assets.get(c.req.param("asset"))!;
    asset.body ??= readFileSync(path.join(dist, c.req.param("asset")), "utf8");
    return new Response(asset.body, { headers: headers(asset.type) });
  });
}
