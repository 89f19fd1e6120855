import type { ASTVisitor, ValidationContext } from "graphql";
import { createGraphQLError, createYoga, type Plugin, type YogaLogger } from "graphql-yoga";
import type { Config } from "../config.js";
import { createContext, type RequestContext } from "../context.js";
import type { Logger } from "../logger.js";
import { maskError } from "./errors.js";
import { schema } from "./schema.js";

const defaultQuery = /* GraphQL */ `# Customers with their teams, each team's keys and their limits.
query Overview {
  customers(first: 10) {
    totalCount
    edges {
      node {
        uuid
        name
        budget { maxLimit currentUsage resetDuration }
        rateLimit { requestMaxLimit requestResetDuration tokenMaxLimit tokenResetDuration }
        teams {
          name
          virtualKeys(first: 10) {
            totalCount
            edges {
              node {
                name
                value
                isActive
                budget { maxLimit currentUsage resetDuration }
                rateLimit { requestMaxLimit requestCurrentUsage }
                providerConfigs { provider allowedModels weight budget { maxLimit } }
              }
            }
          }
        }
      }
    }
  }
}
`;

function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, first.message);
      else logger[level](rest.length ? { args: rest } : {}, String(first));
    };
  return { debug: forward("debug"), info: forward("info"), warn: forward("warn"), error: forward("error") };
}

/** Like graphql's NoSchemaIntrospectionCustomRule, but its error comes from yoga's graphql copy, so it is not masked. */
const noIntrospection = (context: ValidationContext): ASTVisitor => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(createGraphQLError(`GraphQL introspection is disabled, cannot query "${node.name.value}".`, { nodes: [node] }));
    }
  },
});

const disableIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(noIntrospection),
};

/** The GraphQL endpoint (/graphql) as a Fetch handler; errors are masked except DomainErrors. */
export function createGraphqlHandler(config: Config, logger: Logger) {
  return createYoga<Record<string, unknown>, RequestContext>({
    schema,
    graphqlEndpoint: "/graphql",
    context: ({ request }) => createContext(request, { adminToken: config.ADMIN_TOKEN }),
    maskedErrors: { maskError },
    graphiql: config.GRAPHQL_INTROSPECTION ? { defaultQuery, title: "Governance GraphQL" } : false,
    logging: yogaLogger(logger),
    plugins: config.GRAPHQL_INTROSPECTION ? [] : [disableIntrospection],
  });
}
