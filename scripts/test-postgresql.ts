// npm run test:postgresql: the integration suite again, on PostgreSQL. Starts a throwaway
// cluster on a loopback port (scripts/postgresql/cluster.ts), runs Vitest with
// PTERI_TEST_POSTGRESQL_URL pointing at it (tests/helpers/database.ts gives each test's data
// directory its own database there), then stops and removes the cluster, also when the run is
// interrupted (Ctrl-C, SIGTERM).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { startThrowawayCluster, type ThrowawayCluster } from "./postgresql/cluster";

// vitest's package exports do not include its CLI file; find it beside its package.json.
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

let cluster: ThrowawayCluster;
try {
  cluster = await startThrowawayCluster();
} catch (error) {
  console.error(`test:postgresql: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`test:postgresql: throwaway PostgreSQL cluster on 127.0.0.1:${cluster.port}`);

const child = spawn(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, PTERI_TEST_POSTGRESQL_URL: cluster.url },
});
// Vitest gets the terminal's Ctrl-C itself; pass on a SIGTERM sent to this process only.
// Either way, wait for it to exit, then remove the cluster.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => {
  cluster.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
