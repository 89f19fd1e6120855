import type { Config } from "./config.js";
import { createGraphqlHandler } from "./graphql/yoga.js";
import type { Logger } from "./logger.js";
import { createRestHandler } from "./rest/router.js";

export interface App {
  /** Fetch-style handler: /graphql → yoga, /health, everything else → the REST router. */
  fetch(request: Request): Promise<Response>;
}

/** Builds the whole service as one Fetch handler. Never listens (src/main.ts does). */
export function createApp(config: Config, logger: Logger): App {
  const yoga = createGraphqlHandler(config, logger);
  const rest = createRestHandler(config, logger);
  return {
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/graphql" || pathname.startsWith("/graphql/")) return yoga.fetch(request);
      if (pathname === "/health") {
        return Response.json({ status: "ok", database: config.database.kind });
      }
      return rest(request);
    },
  };
}
