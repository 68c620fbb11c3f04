import { getDb } from "@/lib/db/client";
import { databaseStatus } from "@/lib/db/status";
import { problemResponse } from "@/lib/http/problem";
import { PTERI_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/** Liveness and readiness for load balancers: 200 when the database is usable and current. */
export async function GET(): Promise<Response> {
  const status = await databaseStatus(getDb());
  const body = { status: "ok", version: PTERI_VERSION, database: { reachable: status.reachable, migrationsCurrent: status.migrationsCurrent } };
  if (status.reachable && status.migrationsCurrent) {
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  }
  return problemResponse({
    code: "database_unavailable",
    status: 503,
    title: "Database not usable",
    detail: status.reachable
      ? `The database is missing migrations (${status.pendingMigrations.join(", ")}); restart with npm start to apply them.`
      : "The database cannot be reached; check DATABASE_URL and the data directory.",
    extensions: { version: PTERI_VERSION, database: { reachable: status.reachable, migrationsCurrent: status.migrationsCurrent } },
  });
}
