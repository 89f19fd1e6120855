import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseTarget } from "../config.js";
import { lockDataDir } from "./lock.js";
import { withPrismaErrorCodes } from "./runtime-workarounds.js";

export interface OpenedAdapter {
  factory: SqlDriverAdapterFactory;
  /** Releases what Prisma's $disconnect does not: the PGlite instance and its data-dir lock. */
  close(): Promise<void>;
  pglite?: PGlite;
}

export interface AdapterOptions {
  /** PGlite only: start from a dumped data dir (tests restore a migrated template this way). */
  loadDataDir?: Blob;
  /** PostgreSQL only: pool size per process. */
  poolSize?: number;
}

/** Chooses the driver adapter for the target; the schema's provider (postgresql) fits both. */
export async function openAdapter(target: DatabaseTarget, options: AdapterOptions = {}): Promise<OpenedAdapter> {
  if (target.kind === "postgres") {
    const factory = new PrismaPg({ connectionString: target.url, max: options.poolSize ?? 10 });
    return { factory, close: async () => {} };
  }
  const inMemory = target.dataDir.startsWith("memory://");
  const release = inMemory ? undefined : await lockDataDir(target.dataDir);
  try {
    const pglite = new PGlite({
      ...(inMemory ? {} : { dataDir: target.dataDir }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    await pglite.waitReady;
    const factory = withPrismaErrorCodes(new PrismaPGlite(pglite));
    return {
      factory,
      pglite,
      close: async () => {
        await pglite.close();
        await release?.();
      },
    };
  } catch (err) {
    await release?.();
    throw err;
  }
}
