import type { Config } from "../lib/config/env";

/** What an operator needs to read once the server is listening: where it is and how to get in. */
export async function printStartupNotices(config: Config): Promise<void> {
  const url = config.publicUrl.href.replace(/\/$/, "");
  console.log("");
  console.log(`PTERI Console is running at ${url}`);
  console.log(`  health:   ${url}/api/health`);
  console.log(`  data:     ${config.dataDir} (${config.database})`);
  console.log("");
}
