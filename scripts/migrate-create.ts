// npm run db:migrate:create -- NAME
// Writes prisma/migrations/<timestamp>_NAME/migration.sql (SQLite) and the same-named
// prisma/postgresql/migrations/<timestamp>_NAME/migration.sql (PostgreSQL) from the change in
// prisma/schema.prisma. The PostgreSQL one is computed in a scratch database: on the server
// PTERI_MIGRATE_POSTGRESQL_URL names, or else on a throwaway cluster started here (initdb).
import { createMigration } from "../lib/db/migrations";
import { startThrowawayCluster, type ThrowawayCluster } from "./postgresql/cluster";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migrate:create -- NAME   (NAME in lower_snake_case, e.g. add_machines)");
  process.exit(2);
}

let cluster: ThrowawayCluster | undefined;
try {
  let postgresqlServerUrl = process.env.PTERI_MIGRATE_POSTGRESQL_URL;
  if (!postgresqlServerUrl) {
    cluster = await startThrowawayCluster();
    postgresqlServerUrl = cluster.url;
  }
  const created = await createMigration(name, { postgresqlServerUrl });
  console.log(
    created
      ? `Created prisma/migrations/${created}/migration.sql and prisma/postgresql/migrations/${created}/migration.sql.\nCheck both: hand-written SQL (triggers, the audit search) must be kept in step by hand (docs/database.md).`
      : "The schema has no changes: no migration created.",
  );
} catch (error) {
  console.error(`pteri: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  cluster?.stop();
}
