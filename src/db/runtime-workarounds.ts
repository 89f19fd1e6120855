/**
 * Runtime work-arounds for the PGlite driver adapter (pglite-prisma-adapter 0.6.1 with Prisma 6.19).
 * Numbers refer to ../shared/spec/toolchain.md §6. Delete a patch when the upstream fix lands;
 * test/db/engine.test.ts proves each one on both engines.
 */
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type Transaction,
} from "@prisma/driver-adapter-utils";

type PgCause = { kind: "postgres"; code: string; message: string; detail?: string; column?: string };
type MappedError = ConstructorParameters<typeof DriverAdapterError>[0];

/**
 * #11: pglite-prisma-adapter reports every SQLSTATE as kind "postgres", so Prisma raises a generic error
 * instead of P2002/P2003/P2011/P2034/P2000/P2020. Map codes the way @prisma/adapter-pg does.
 */
export function mapPgliteError(cause: PgCause): MappedError {
  const fields = cause.detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(", ");
  const base = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case "22001":
      return { ...base, kind: "LengthMismatch", column: cause.column };
    case "22003":
      return { ...base, kind: "ValueOutOfRange", cause: cause.message };
    case "23505":
      return { ...base, kind: "UniqueConstraintViolation", constraint: fields ? { fields } : undefined };
    case "23502":
      return { ...base, kind: "NullConstraintViolation", constraint: fields ? { fields } : undefined };
    case "23503":
      return { ...base, kind: "ForeignKeyConstraintViolation", constraint: cause.column ? { fields: [cause.column] } : undefined };
    case "40001":
      return { ...base, kind: "TransactionWriteConflict" };
    default:
      return cause as unknown as MappedError;
  }
}

function remap(err: unknown): never {
  if (err instanceof DriverAdapterError && (err.cause as { kind?: string }).kind === "postgres") {
    throw new DriverAdapterError(mapPgliteError(err.cause as unknown as PgCause));
  }
  throw err;
}

function wrapQueryable<T extends object>(target: T, extra: Partial<Record<keyof T, unknown>> = {}): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (key in extra) return extra[key as keyof T];
      const value = Reflect.get(obj, key, receiver);
      if (key === "queryRaw" || key === "executeRaw" || key === "executeScript") {
        return (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args).catch(remap);
      }
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
}

/** Wraps a PGlite adapter factory so driver errors carry Prisma's error kinds (#11). */
export function withPrismaErrorCodes(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return wrapQueryable(factory, {
    connect: async () => {
      const adapter = await factory.connect();
      return wrapQueryable<SqlDriverAdapter>(adapter, {
        startTransaction: async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
          wrapQueryable<Transaction>(await adapter.startTransaction(...args).catch(remap)),
      });
    },
  });
}
