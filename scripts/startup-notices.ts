import type { Config } from "../lib/config/env";
import { createDb } from "../lib/db/client";
import { issueSetupLinkIfNoOperator, type SetupLink } from "../lib/operators/setup-link";

/**
 * How to get in. While no operator exists, every start issues a fresh one-time setup link for
 * the first administrator (older unused ones stop working). It is issued once the server is
 * listening, so its 30 minutes are not spent waiting for a build.
 */
export async function issueStartupAccess(config: Config): Promise<SetupLink | null> {
  const db = createDb(config.databaseUrl);
  try {
    return await issueSetupLinkIfNoOperator(db, config.publicUrl, { type: "host", id: "npm-start" });
  } finally {
    await db.$disconnect();
  }
}

export function startupNotices(config: Config, setup: SetupLink | null): string[] {
  const url = config.publicUrl.href.replace(/\/$/, "");
  return [
    "",
    `PTERI Console is running at ${url}`,
    `  health:   ${url}/api/health`,
    `  data:     ${config.dataDir} (${config.database})`,
    "",
    ...(setup
      ? [
          "No operator exists yet. Register the first administrator's passkey:",
          `  Sign in: open ${setup.url}`,
          `  (single use, valid until ${setup.expiresAt.toISOString()}; run \`npm run admin -- setup-link\` for a new one)`,
        ]
      : [`Sign in at ${url}/sign-in`]),
    "",
  ];
}

/** What an operator needs to read once the server is listening: where it is and how to get in. */
export async function printStartupNotices(config: Config): Promise<void> {
  let setup: SetupLink | null = null;
  try {
    setup = await issueStartupAccess(config);
  } catch (error) {
    console.error(`pteri: could not issue a setup link (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); run \`npm run admin -- setup-link\`.`);
  }
  for (const line of startupNotices(config, setup)) console.log(line);
}
