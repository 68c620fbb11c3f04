// Prisma CLI configuration (Prisma 7 reads the connection from here, not from the schema).
// Only `prisma generate` uses it in this project; migrations run through scripts/migrate-*.ts
// because the CLI's migrate commands need an engine binary that cannot be downloaded here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
