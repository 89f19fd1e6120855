import { Prisma } from "../generated/prisma/client.js";
import { ConflictError, DUPLICATE_NAME_MESSAGE } from "./errors.js";

/** Turns a unique-name violation (P2002 on `name`) into Bifrost's 400 message; rethrows anything else. */
export function rethrowUniqueName(err: unknown): never {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
    throw new ConflictError(DUPLICATE_NAME_MESSAGE, "duplicate_name");
  }
  throw err;
}
