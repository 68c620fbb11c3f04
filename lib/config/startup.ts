import { loadConfig, type Config } from "./env";
import { ensureDataDir, loadOrCreateSecret } from "./data-dir";
import { prepareDatabase } from "../db/prepare";

export interface Startup {
  config: Config;
  appliedMigrations: string[];
}

/**
 * Everything that must hold before the Console serves a request or a host command runs:
 * valid configuration, a writable data directory, the app's own secrets, and a migrated
 * database. Shared by `npm start`, `npm run admin` and the tests so they cannot drift.
 */
export async function prepareHost(env: NodeJS.ProcessEnv = process.env): Promise<Startup> {
  const config = loadConfig(env);
  ensureDataDir(config.dataDir);
  // Generated on first start so a fresh install never runs with a default secret.
  loadOrCreateSecret(config.dataDir, "session");
  const appliedMigrations = await prepareDatabase(config);
  return { config, appliedMigrations };
}
