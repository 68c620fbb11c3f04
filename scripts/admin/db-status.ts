import { databaseStatus } from "../../lib/db/status";
import type { AdminCommand } from "./command";

export const dbStatus: AdminCommand = {
  name: "db-status",
  summary: "Show the database in use and whether every migration is applied.",
  usage: "db-status [--json]",
  async run(args, { config, appliedMigrations, db }) {
    const status = await databaseStatus(db);
    const report = { database: config.database, url: config.database === "sqlite" ? config.databaseUrl : "(postgresql)", appliedNow: appliedMigrations, ...status };
    if (args.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`database:   ${config.database} ${config.database === "sqlite" ? config.sqlitePath : ""}`);
      console.log(`reachable:  ${status.reachable ? "yes" : "no"}`);
      console.log(`migrations: ${status.migrationsCurrent ? "current" : `pending: ${status.pendingMigrations.join(", ")}`}`);
    }
    return status.reachable && status.migrationsCurrent ? 0 : 1;
  },
};
