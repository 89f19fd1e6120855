import type { Config } from "./config.js";
import { createGraphqlHandler } from "./graphql/yoga.js";
import type { Logger } from "./logger.js";
import { createHttpApp } from "./rest/app.js";

export interface App {
  /** Fetch-style handler: /graphql → yoga, /health, everything else → the REST routes (src/rest/app.ts). */
  fetch(request: Request, env?: unknown): Promise<Response>;
}

/** Builds the whole service as one Fetch handler. Never listens (src/main.ts does). */
export function createApp(config: Config, logger: Logger): App {
  const app = createHttpApp(config, logger, createGraphqlHandler(config, logger));
  // `env` is @hono/node-server's `{ incoming, outgoing }` (the peer address); in-process callers pass none.
  return { fetch: async (request, env) => app.fetch(request, env as never) };
}
