import { defineConfig } from "vitest/config";
import path from "node:path";

// `npm run test:postgresql` runs the same suite on PostgreSQL (tests/helpers/database.ts).
const onPostgresql = Boolean(process.env.PTERI_TEST_POSTGRESQL_URL);

/** Tests of PostgreSQL itself: they need the server that `npm run test:postgresql` starts. */
const POSTGRESQL_ONLY = ["tests/postgresql/**"];
/** Tests of the embedded SQLite file itself, which has no PostgreSQL counterpart. */
const SQLITE_ONLY = [
  "tests/foundation/database.test.ts", // the file's integrity check, WAL mode, a corrupt file
  "tests/admin/backup.test.ts", // db-backup copies the SQLite file (PostgreSQL: pg_dump)
];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts", "bin/**/*.test.ts", "scripts/**/*.test.ts", "cli/**/*.test.ts", "sdk/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(onPostgresql ? SQLITE_ONLY : POSTGRESQL_ONLY)],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
