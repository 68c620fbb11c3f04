// npm run db:migrate:create -- NAME
// Writes prisma/migrations/<timestamp>_NAME/migration.sql from the change in prisma/schema.prisma.
import { createMigration } from "../lib/db/migrations";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migrate:create -- NAME   (NAME in lower_snake_case, e.g. add_machines)");
  process.exit(2);
}
const created = await createMigration(name);
console.log(created ? `Created prisma/migrations/${created}/migration.sql` : "The schema has no changes: no migration created.");
