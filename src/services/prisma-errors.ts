/**
 * Prisma's request errors that are a caller's race, not a fault, mapped in one place (issue #9): a row that
 * vanished between read and write (P2025 "record not found", P2001, P2015, P2018) is a NotFoundError; a unique
 * clash (P2002) a ConflictError; a foreign key to a row deleted meanwhile (P2003) a NotFoundError of that row's
 * owner. REST (rest/errors.ts) and GraphQL (graphql/errors.ts) call asDomainError() on anything unexpected.
 */
import { Prisma } from "../generated/prisma/client.js";
import { ConflictError, DomainError, DUPLICATE_NAME_MESSAGE, NotFoundError, type EntityName } from "./errors.js";

/** Turns a unique-name violation (P2002 on `name`) into Bifrost's 400 message; rethrows anything else. */
export function rethrowUniqueName(err: unknown): never {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
    throw new ConflictError(DUPLICATE_NAME_MESSAGE, "duplicate_name");
  }
  throw err;
}

const ENTITY_BY_MODEL: Record<string, EntityName> = {
  Customer: "Customer",
  Team: "Team",
  VirtualKey: "Virtual key",
  Budget: "Budget",
  RateLimit: "Rate limit",
  ModelConfig: "Model config",
  Provider: "Provider",
  ProviderKey: "Provider key",
  McpClient: "MCP client",
};

const VANISHED = new Set(["P2001", "P2015", "P2018", "P2025", "P2003"]);

/** The DomainError a Prisma race error stands for, or undefined when `err` is something else (a real fault). */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  if (err.code === "P2002") return new ConflictError("a record with these values already exists", "duplicate");
  if (VANISHED.has(err.code)) {
    const model = typeof err.meta?.modelName === "string" ? err.meta.modelName : "";
    const entity = ENTITY_BY_MODEL[model];
    return entity ? new NotFoundError(entity) : new NotFoundError("Node", "Not found: the record was deleted meanwhile");
  }
  return undefined;
}
