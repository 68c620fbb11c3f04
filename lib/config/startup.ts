import { loadConfig, type Config, type Env } from "./env";
import { ensureDataDir, loadOrCreateSecret } from "./data-dir";
import { prepareDatabase } from "../db/prepare";
import { loadOrCreateLogKey } from "../audit/log-key";
import { loadOrCreateWebhookKey } from "../webhooks/signing-key";
import { checkpointIntervalSeconds } from "../audit/checkpoint-schedule";

export interface Startup {
  config: Config;
  appliedMigrations: string[];
}

/**
 * Everything that must hold before the Console serves a request or a host command runs:
 * valid configuration, a writable data directory, the app's own secrets, and a migrated
 * database. Shared by `npm start`, `npm run admin` and the tests so they cannot drift.
 */
export async function prepareHost(env: Env = process.env): Promise<Startup> {
  const config = loadConfig(env);
  checkpointIntervalSeconds(env); // validated here so a bad value stops the start
  ensureDataDir(config.dataDir);
  // Generated on first start so a fresh install never runs with a default secret.
  loadOrCreateSecret(config.dataDir, "session");
  loadOrCreateLogKey(config.dataDir); // signs audit checkpoints (lib/audit/log-key.ts)
  loadOrCreateWebhookKey(config.dataDir); // signs webhook deliveries: a bad file stops the start, not just delivery
  const appliedMigrations = await prepareDatabase(config);
  return { config, appliedMigrations };
}
