// npm start: prepare the host (config, data directory, secrets, migrations), build when the
// sources changed since the last build, then serve the Console. `--dev` serves `next dev`.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { ConfigError } from "../lib/config/env";
import { prepareHost } from "../lib/config/startup";
import { buildIsCurrent, recordBuild } from "./build-fingerprint";
import { printStartupNotices } from "./startup-notices";

const dev = process.argv.includes("--dev");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

async function main(): Promise<void> {
  const { config, appliedMigrations } = await prepareHost();
  if (appliedMigrations.length > 0) console.log(`pteri: applied ${appliedMigrations.length} migration(s): ${appliedMigrations.join(", ")}`);

  if (!dev && !buildIsCurrent()) {
    console.log("pteri: building the Console (first start or sources changed; this takes a minute or two)...");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new ConfigError("The build failed; see the output above.");
    recordBuild();
  }

  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(config.port),
    PTERI_DATA_DIR: config.dataDir,
    PTERI_PUBLIC_URL: config.publicUrl.href,
    DATABASE_URL: config.databaseUrl,
  };
  const server = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(config.port)], { stdio: ["inherit", "pipe", "inherit"], env });
  let announced = false;
  server.stdout.on("data", async (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Ready|started server|Local:/i.test(chunk.toString())) {
      announced = true;
      await printStartupNotices(config);
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  // Configuration and environment problems are one line for the operator, never a stack trace.
  if (error instanceof ConfigError) {
    console.error(`pteri: ${error.message}`);
    process.exit(1);
  }
  console.error(`pteri: start-up failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  process.exit(1);
});
