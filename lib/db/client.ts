import { PrismaClient } from "./generated/client";
import { createAdapterFactory } from "./adapter";
import { loadConfig } from "../config/env";

export type Db = InstanceType<typeof PrismaClient>;
/** What a domain function receives when it must run inside the caller's transaction. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
export type DatabaseKind = "sqlite" | "postgresql";

const kinds = new WeakMap<Db, DatabaseKind>();

export function createDb(databaseUrl: string): Db {
  const db = new PrismaClient({ adapter: createAdapterFactory(databaseUrl) });
  kinds.set(db, databaseUrl.startsWith("file:") ? "sqlite" : "postgresql");
  return db;
}

/** Which SQL dialect a client speaks, for the few statements Prisma cannot express. */
export function databaseKind(db: Db): DatabaseKind {
  return kinds.get(db) ?? "sqlite";
}

// One client per process. Next.js dev reloads modules; keeping the client on globalThis
// avoids opening a new connection pool on every reload.
const globalForDb = globalThis as unknown as { pteriDb?: Db };

export function getDb(): Db {
  globalForDb.pteriDb ??= createDb(loadConfig().databaseUrl);
  return globalForDb.pteriDb;
}
