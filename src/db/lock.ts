import { mkdirSync } from "node:fs";
import lockfile from "proper-lockfile";

/**
 * One process per PGlite data directory (toolchain pitfall #17: two processes on one data dir
 * silently lose writes). Takes `<dataDir>.lock`; a live holder makes this throw a clear error.
 * A holder killed with SIGKILL leaves a stale lock that is taken over after `staleMs`.
 */
export async function lockDataDir(dataDir: string, staleMs = 10_000): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true }); // PGlite does not create parents (pitfall #13)
  try {
    return await lockfile.lock(dataDir, {
      stale: staleMs,
      realpath: false,
      onCompromised: (err) => {
        throw new Error(`Lost the lock on PGlite data directory ${dataDir}: ${err.message}`);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") {
      throw new Error(
        `PGlite data directory ${dataDir} is in use by another process (lock ${dataDir}.lock). ` +
          `Only one process may open an embedded database: stop the other server, or use DATABASE_URL=postgres://… to run several instances.`,
        { cause: err },
      );
    }
    throw err;
  }
}
