// npm run test:postgresql: the integration suite again, on PostgreSQL. Starts a throwaway
// cluster on a loopback port (scripts/postgresql/cluster.ts), runs Vitest with
// PTERI_TEST_POSTGRESQL_URL pointing at it (tests/helpers/database.ts gives each test's data
// directory its own database there), then stops and removes the cluster.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { startThrowawayCluster } from "./postgresql/cluster";

// vitest's package exports do not include its CLI file; find it beside its package.json.
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

let cluster;
try {
  cluster = await startThrowawayCluster();
} catch (error) {
  console.error(`test:postgresql: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`test:postgresql: throwaway PostgreSQL cluster on 127.0.0.1:${cluster.port}`);
let status = 1;
try {
  const result = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, PTERI_TEST_POSTGRESQL_URL: cluster.url },
  });
  status = result.status ?? 1;
} finally {
  cluster.stop();
}
process.exit(status);
