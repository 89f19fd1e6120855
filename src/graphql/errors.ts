import type { GraphQLError } from "graphql";
import { createGraphQLError, maskError as yogaMaskError } from "graphql-yoga";
import { ConflictError, DomainError, NotFoundError, ValidationError, type FieldIssue } from "../services/errors.js";
import { builder } from "./builder.js";

export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "An expected failure of a mutation. Select `... on Error { message code }` to handle any of them.",
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.exposeString("code", { description: "Stable machine-readable code, e.g. VALIDATION, NOT_FOUND, CONFLICT." }),
  }),
});

builder.objectType(DomainError, {
  name: "BaseError",
  description: "A domain failure without a more specific type.",
  interfaces: [ErrorInterface],
});

const FieldError = builder.objectRef<FieldIssue>("FieldError").implement({
  description: "One invalid input field.",
  fields: (t) => ({
    path: t.stringList({
      description: 'Path of the field inside the input, e.g. ["budget", "maxLimit"] or ["providerConfigs", "0", "provider"].',
      resolve: (issue) => issue.path.map(String),
    }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input was rejected; `message` is the first problem, `fieldErrors` lists all of them.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldError], resolve: (err) => err.issues }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [ErrorInterface],
  fields: (t) => ({ entity: t.exposeString("entity") }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "A uniqueness rule would be broken (e.g. a duplicate name).",
  interfaces: [ErrorInterface],
});

/**
 * The caller may not do this (e.g. look a key up by its value without the admin token). Defined here until
 * src/services/errors.ts has one; code FORBIDDEN.
 */
export class ForbiddenError extends DomainError {
  constructor(message = "Forbidden: this operation needs the admin token") {
    super("FORBIDDEN", message);
  }
}

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "The caller is not allowed to do this (send `Authorization: Bearer <ADMIN_TOKEN>`).",
  interfaces: [ErrorInterface],
});

export const mutationErrors = [ValidationError, NotFoundError, ConflictError];

/**
 * Yoga's maskError: a DomainError that reaches the top level keeps its message and `extensions.code`;
 * everything else becomes "Unexpected error." with code INTERNAL_SERVER_ERROR and no internals.
 * Duck-typed on `originalError`: graphql may be loaded twice (ESM and CJS builds), so no instanceof GraphQLError.
 */
export function maskError(error: unknown, message: string): Error {
  const wrapped = error as Partial<GraphQLError> | undefined;
  const original = wrapped?.originalError ?? error;
  if (original instanceof DomainError) {
    return createGraphQLError(original.message, { nodes: wrapped?.nodes, path: wrapped?.path, extensions: { code: original.code } });
  }
  return yogaMaskError(error, message || "Unexpected error.", false);
}
