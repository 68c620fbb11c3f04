import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { databaseKindOf } from "../config/env";

/**
 * The Prisma driver adapter for a database URL: SQLite file or PostgreSQL. `forSchemaEngine`:
 * the connection the schema engine introspects PostgreSQL through (lib/db/schema-engine.ts).
 */
export function createAdapterFactory(databaseUrl: string, options: { forSchemaEngine?: boolean } = {}): SqlMigrationAwareDriverAdapterFactory {
  if (databaseKindOf(databaseUrl) === "sqlite") {
    // WAL lets readers proceed while one writer commits; busy_timeout makes
    // concurrent writers (several processes on one file) wait instead of failing.
    return new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 });
  }
  // A pool per process; each Console instance holds at most `max` connections.
  const config: pg.PoolConfig = { connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 10_000 };
  return new PrismaPg(options.forSchemaEngine ? { ...config, Client: CatalogCharAsTextClient as unknown as typeof pg.Client } : config);
}

/**
 * Hands the Prisma client its driver adapter connections unchanged, and remembers the one in
 * use, so that lib/db/transaction.ts can run its raw-SQL write transactions on the client's
 * own connection (and transaction queue) rather than on a second one.
 */
export class ConnectedAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider: SqlMigrationAwareDriverAdapterFactory["provider"];
  readonly adapterName: string;
  /** The connection the client currently uses; null before it connects and after it disconnects. */
  connected: SqlDriverAdapter | null = null;

  constructor(private readonly inner: SqlMigrationAwareDriverAdapterFactory) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = () => {
      if (this.connected === adapter) this.connected = null;
      return dispose();
    };
    this.connected = adapter;
    return adapter;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb();
  }
}

/**
 * The schema engine reads PostgreSQL's catalogs, whose one-byte `"char"` columns (relkind,
 * contype…) @prisma/adapter-pg 7.10 refuses as an unsupported type, so every diff against a
 * PostgreSQL database fails. pg parses `"char"` as a one-character string anyway; this client
 * reports such columns as text, which is what they hold, so the adapter accepts them.
 */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
class CatalogCharAsTextClient extends pg.Client {
  // pg.Client.query has many overloads (pg.Pool calls it with a callback): wrap them all.
  // @ts-expect-error the override is typed loosely on purpose.
  override query(...args: unknown[]): unknown {
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as (error: Error | null, result?: pg.QueryResult) => void;
      return (super.query as (...a: unknown[]) => unknown)(...args.slice(0, -1), (error: Error | null, result?: pg.QueryResult) => {
        if (result) charAsText(result);
        callback(error, result);
      });
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return returned instanceof Promise ? returned.then((result: pg.QueryResult) => charAsText(result)) : returned;
  }
}

function charAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  return result;
}
