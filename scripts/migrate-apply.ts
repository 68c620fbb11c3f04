// npm run db:migrate:apply: apply pending migrations to the configured database.
import { ConfigError } from "../lib/config/env";
import { prepareHost } from "../lib/config/startup";

try {
  const { appliedMigrations } = await prepareHost();
  console.log(appliedMigrations.length ? `Applied: ${appliedMigrations.join(", ")}` : "The database is up to date.");
} catch (error) {
  console.error(`pteri: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
}
