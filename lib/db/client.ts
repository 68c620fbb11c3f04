import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresqlPrismaClient } from "./generated-postgresql/client";
import { ConnectedAdapterFactory, createAdapterFactory } from "./adapter";
import { databaseKindOf, loadConfig, type DatabaseKind } from "../config/env";

export type Db = InstanceType<typeof PrismaClient>;
/** What a domain function receives when it must run inside the caller's transaction. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
export type { DatabaseKind } from "../config/env";

/**
 * What PTERI knows about a client it created, kept on the client itself under a global symbol:
 * Next.js may bundle this module more than once (one copy per route chunk) while they all share
 * the process-wide client from getDb(), so a module-local WeakMap would miss it.
 */
const META = Symbol.for("pteri.db.meta");
interface DbMeta {
  kind: DatabaseKind;
  factory: ConnectedAdapterFactory;
}

function metaOf(db: Db): DbMeta | undefined {
  return (db as unknown as { [META]?: DbMeta })[META];
}

export function createDb(databaseUrl: string): Db {
  const factory = new ConnectedAdapterFactory(createAdapterFactory(databaseUrl));
  const kind = databaseKindOf(databaseUrl);
  // Both clients come from the same models (scripts/prisma-generate.mjs); their types differ
  // only in options PTERI does not use (PostgreSQL's case-insensitive filter mode, say), so
  // the SQLite client's type describes both.
  const db = kind === "sqlite" ? new PrismaClient({ adapter: factory }) : (new PostgresqlPrismaClient({ adapter: factory }) as unknown as Db);
  const meta: DbMeta = { kind, factory };
  Object.defineProperty(db, META, { value: meta, enumerable: false });
  return db;
}

/**
 * The driver adapter connection the client is using (connecting the client first if it is
 * not connected yet). For lib/db/transaction.ts's sqlWriteTransaction only: statements sent
 * here share the client's connection and its transaction queue.
 */
export async function connectedDriverAdapter(db: Db): Promise<SqlDriverAdapter> {
  const factory = metaOf(db)?.factory;
  if (!factory) throw new Error("connectedDriverAdapter: this client was not created by createDb");
  if (!factory.connected) await db.$connect();
  if (!factory.connected) throw new Error("connectedDriverAdapter: the database client did not connect");
  return factory.connected;
}

/** Which SQL dialect a client speaks, for the few statements Prisma cannot express. */
export function databaseKind(db: Db): DatabaseKind {
  return metaOf(db)?.kind ?? "sqlite";
}

// One client per process. Next.js dev reloads modules; keeping the client on globalThis
// avoids opening a new connection pool on every reload.
const globalForDb = globalThis as unknown as { pteriDb?: Db };

export function getDb(): Db {
  globalForDb.pteriDb ??= createDb(loadConfig().databaseUrl);
  return globalForDb.pteriDb;
}
