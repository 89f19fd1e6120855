/**
 * A scratch PostgreSQL database for one benchmark run, on the server of TEST_DATABASE_URL (default the local
 * postgres database): created under a unique name, dropped (connections ended) by drop().
 */
import pg from "pg";

export const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** `prefix` names the benchmark: the database is `<prefix>_<pid>_<ms>`. */
export async function benchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
