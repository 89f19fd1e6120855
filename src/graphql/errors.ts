import type { GraphQLError } from "graphql";
import { createGraphQLError, maskError as yogaMaskError } from "graphql-yoga";
import { ForbiddenError, UnauthenticatedError } from "../services/access.js";
import { ConflictError, DomainError, NotFoundError, ValidationError, type FieldIssue } from "../services/errors.js";
import { asDomainError } from "../services/prisma-errors.js";
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

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "The credential's role may not do this (services/access.ts); code FORBIDDEN.",
  interfaces: [ErrorInterface],
});

builder.objectType(UnauthenticatedError, {
  name: "UnauthenticatedError",
  description: "No valid credential was sent (`Authorization: Bearer <management key>`); code UNAUTHENTICATED.",
  interfaces: [ErrorInterface],
});

export const mutationErrors = [ValidationError, NotFoundError, ConflictError, ForbiddenError, UnauthenticatedError];

export { ForbiddenError, UnauthenticatedError };


/**
 * Yoga's maskError: a DomainError that reaches the top level keeps its message and `extensions.code`;
 * everything else becomes "Unexpected error." with code INTERNAL_SERVER_ERROR and no internals.
 * Duck-typed on `originalError`: graphql may be loaded twice (ESM and CJS builds), so no instanceof GraphQLError.
 */
export function maskError(error: unknown, message: string): Error {
  const wrapped = error as Partial<GraphQLError> | undefined;
  const original = asDomainError(wrapped?.originalError ?? error); // DomainErrors, and Prisma races as DomainErrors
  if (original) {
    return createGraphQLError(original.message, { nodes: wrapped?.nodes, path: wrapped?.path, extensions: { code: original.code } });
  }
  return yogaMaskError(error, message || "Unexpected error.", false);
}
