import { loadConfig, type Config, type Env } from "./env";
import { ensureDataDir, loadOrCreateSecret } from "./data-dir";
import { prepareDatabase } from "../db/prepare";
import { loadOrCreateLogKey } from "../audit/log-key";
import { loadOrCreateWebhookKey } from "../webhooks/signing-key";
import { checkpointIntervalSeconds } from "../audit/checkpoint-schedule";
import { createDb } from "../db/client";
import { checkInstanceKeys } from "./instance-keys";

export interface Startup {
  config: Config;
  appliedMigrations: string[];
}

export interface PrepareHostOptions {
  /**
   * Compare the data directory's key files with the ones the database records (default true).
   * False only for `npm run admin -- adopt-keys`, which exists to settle that check's refusal.
   */
  checkKeys?: boolean;
}

/**
 * Everything that must hold before the Console serves a request or a host command runs:
 * valid configuration, a writable data directory, the app's own secrets, a migrated
 * database, and those secrets being the ones the database's other instances use. Shared by
 * `npm start`, `npm run admin` and the tests so they cannot drift.
 */
export async function prepareHost(env: Env = process.env, options: PrepareHostOptions = {}): Promise<Startup> {
  const config = loadConfig(env);
  checkpointIntervalSeconds(env); // validated here so a bad value stops the start
  ensureDataDir(config.dataDir);
  // Generated on first start so a fresh install never runs with a default secret.
  loadOrCreateSecret(config.dataDir, "session");
  loadOrCreateLogKey(config.dataDir); // signs audit checkpoints (lib/audit/log-key.ts)
  loadOrCreateWebhookKey(config.dataDir); // signs webhook deliveries: a bad file stops the start, not just delivery
  const appliedMigrations = await prepareDatabase(config);
  if (options.checkKeys !== false) await checkKeysAgainstDatabase(config);
  return { config, appliedMigrations };
}

/** Instances sharing a database must sign with the same keys (lib/config/instance-keys.ts). */
async function checkKeysAgainstDatabase(config: Config): Promise<void> {
  const db = createDb(config.databaseUrl);
  try {
    await checkInstanceKeys(db, config.dataDir);
  } finally {
    await db.$disconnect();
  }
}
