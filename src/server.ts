import type { Config } from "./config.js";
import { createGraphqlHandler } from "./graphql/yoga.js";
import type { Logger } from "./logger.js";
import { createHttpApp } from "./rest/app.js";

export interface App {
  /** Fetch-style handler: /graphql → yoga, /health, everything else → the REST routes (src/rest/app.ts). */
  fetch(request: Request): Promise<Response>;
}

/** Builds the whole service as one Fetch handler. Never listens (src/main.ts does). */
export function createApp(config: Config, logger: Logger): App {
  const app = createHttpApp(config, logger, createGraphqlHandler(config, logger));
  return { fetch: async (request) => app.fetch(request) };
}
