/**
 * PostgreSQL extensions every PGlite instance loads (runtime, migrate CLI and its shadow database, test
 * template). The migrations create them; a data dir that has them must be opened with them.
 * pg_trgm: trigram GIN indexes behind the case-insensitive `search` filters (issue #13).
 */
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

export const pgliteExtensions = { pg_trgm };
