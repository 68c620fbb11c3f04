import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/** The Prisma driver adapter for a database URL: SQLite file or PostgreSQL. */
export function createAdapterFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  if (databaseUrl.startsWith("file:")) {
    // WAL lets readers proceed while one writer commits; busy_timeout makes
    // concurrent writers (several processes on one file) wait instead of failing.
    return new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 });
  }
  throw new Error(`Unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
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
