/**
 * The few things PTERI does to a PostgreSQL server outside its own database: create the
 * database on first start (as `prisma migrate deploy` does), and hold an advisory lock while
 * migrating, so Console instances started together migrate one after another.
 */
import pg from "pg";

/** Runs `work` on a new connection to `url`, closed however it ends. */
export async function withPostgresqlClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database DATABASE_URL names when it does not exist yet. */
export async function ensurePostgresqlDatabase(databaseUrl: string): Promise<void> {
  const name = postgresqlDatabaseName(databaseUrl);
  await withPostgresqlClient(maintenanceUrl(databaseUrl), async (admin) => {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount !== 0) return;
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: unknown) => {
      // Another instance created it between the check and here: that is what we wanted.
      // 42P04 when its CREATE had committed; 23505 (pg_database's unique name index) when
      // both were creating it at the same moment.
      const code = (error as { code?: string }).code;
      if (code !== "42P04" && code !== "23505") throw error;
    });
  });
}

/** Drops a database (throwaway databases: migration scratch, tests). */
export async function dropPostgresqlDatabase(databaseUrl: string): Promise<void> {
  await withPostgresqlClient(maintenanceUrl(databaseUrl), (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(postgresqlDatabaseName(databaseUrl))} WITH (FORCE)`),
  );
}

/** Runs a multi-statement SQL script in one simple query: one implicit transaction. */
export async function runPostgresqlScript(databaseUrl: string, script: string): Promise<void> {
  await withPostgresqlClient(databaseUrl, (client) => client.query(script));
}

// An arbitrary constant naming "PTERI is migrating this database" (ASCII "PTERIMIG").
const MIGRATION_LOCK = "5054455249" + "4d4947";

/** Runs `work` holding a session advisory lock on the database, released however it ends. */
export function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  return withPostgresqlClient(databaseUrl, async (client) => {
    // Released with the session when the connection closes.
    await client.query("SELECT pg_advisory_lock(('x' || $1)::bit(64)::bigint)", [MIGRATION_LOCK]);
    return work();
  });
}

/** The database a PostgreSQL URL names. */
export function postgresqlDatabaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL names no database (postgresql://user@host:5432/DATABASE).");
  return name;
}

/** The URL of database `name` on the same server, with the same credentials and options. */
export function postgresqlDatabaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.href;
}

/** The same server and credentials, the `postgres` maintenance database. */
function maintenanceUrl(databaseUrl: string): string {
  return postgresqlDatabaseUrl(databaseUrl, "postgres");
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
