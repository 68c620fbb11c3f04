import { PrismaClient } from "./generated/client";
import { createAdapterFactory } from "./adapter";
import { loadConfig } from "../config/env";

export type Db = InstanceType<typeof PrismaClient>;
/** What a domain function receives when it must run inside the caller's transaction. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: createAdapterFactory(databaseUrl) });
}

// One client per process. Next.js dev reloads modules; keeping the client on globalThis
// avoids opening a new connection pool on every reload.
const globalForDb = globalThis as unknown as { pteriDb?: Db };

export function getDb(): Db {
  globalForDb.pteriDb ??= createDb(loadConfig().databaseUrl);
  return globalForDb.pteriDb;
}
