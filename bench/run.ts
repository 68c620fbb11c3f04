// npm run bench [-- NAME...] [--database sqlite|postgresql] [--json]: runs the benchmarks and
// prints their figures. Every group that touches the database measures its figures on SQLite
// and on PostgreSQL (a throwaway cluster started here, durable like production's) in the same
// run, side by side. Without PostgreSQL on the machine the run says so and reports SQLite.
// Figures are reported, not asserted. To add a benchmark, add one line to BENCHES.
import type { DatabaseKind } from "../lib/config/env";
import { startThrowawayCluster, type ThrowawayCluster } from "../scripts/postgresql/cluster";
import { benchAudit } from "./audit";
import { benchAuditSearch } from "./audit-search";
import { benchAuth } from "./auth";
import { postgresqlDatabase, removeTempDirsNow, SQLITE, type BenchDatabase } from "./database";
import { benchMachines } from "./machines";
import { benchPolicies } from "./policies";
import { formatGroup, reportRows, type ReportRow } from "./report";
import type { GroupResults } from "./result";

interface Bench {
  name: string;
  /** Whether the group measures anything on a database (so PostgreSQL is started for it). */
  usesDatabase: boolean;
  run: (databases: BenchDatabase[]) => Promise<GroupResults>;
}

const BENCHES: Bench[] = [
  { name: "auth", usesDatabase: true, run: benchAuth },
  { name: "audit", usesDatabase: true, run: benchAudit },
  { name: "audit-search", usesDatabase: true, run: benchAuditSearch },
  { name: "machines", usesDatabase: true, run: benchMachines },
  { name: "policies", usesDatabase: false, run: async () => ({ shared: await benchPolicies(), byDatabase: {} }) },
];

const KINDS: DatabaseKind[] = ["sqlite", "postgresql"];

interface Options {
  json: boolean;
  kinds: DatabaseKind[];
  selected: Bench[];
}

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench [-- NAME...] [--database sqlite|postgresql] [--json]; NAME is one of ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}

function parseArgs(args: string[]): Options {
  let json = false;
  let kinds = KINDS;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--database" || arg.startsWith("--database=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++i];
      if (value !== "sqlite" && value !== "postgresql") usage(`--database takes sqlite or postgresql (got ${value ?? "nothing"})`);
      kinds = [value];
    } else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else names.push(arg);
  }
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) usage(`unknown benchmark ${unknown.join(", ")}`);
  return { json, kinds, selected: BENCHES.filter((b) => names.length === 0 || names.includes(b.name)) };
}

/** A problem with the request, not the code: reported without a stack trace. */
class UsageError extends Error {}

/**
 * PostgreSQL for the run. A machine without it still runs `npm run bench`: it is said once and
 * SQLite is reported, unless PostgreSQL alone was asked for.
 */
async function startPostgresql(only: boolean): Promise<ThrowawayCluster | null> {
  try {
    const cluster = await startThrowawayCluster({ durable: true });
    console.error(`bench: throwaway PostgreSQL cluster on 127.0.0.1:${cluster.port}`);
    return cluster;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (only) throw new UsageError(`PostgreSQL could not be started. ${reason}`);
    console.error(`bench: PostgreSQL could not be started, so SQLite alone is reported. ${reason}`);
    return null;
  }
}

async function main(options: Options, cluster: ThrowawayCluster | null): Promise<void> {
  const databases: BenchDatabase[] = options.kinds.flatMap((kind) => (kind === "sqlite" ? [SQLITE] : cluster ? [postgresqlDatabase(cluster.url)] : []));
  const kinds = databases.map((d) => d.kind);
  const groups: Record<string, ReportRow[]> = {};
  for (const bench of options.selected) {
    const rows = reportRows(await bench.run(bench.usesDatabase ? databases : []));
    groups[bench.name] = rows;
    if (!options.json) console.log(`${formatGroup(bench.name, rows, kinds)}\n`);
  }
  if (options.json) console.log(JSON.stringify({ databases: kinds, groups }, null, 2));
}

const options = parseArgs(process.argv.slice(2));
const needsPostgresql = options.kinds.includes("postgresql") && options.selected.some((b) => b.usesDatabase);
let cluster: ThrowawayCluster | null = null;
// Interrupted (Ctrl-C) or killed: the cluster and the data directories must not outlive the run.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    try {
      cluster?.stop();
    } finally {
      removeTempDirsNow();
      process.exit(130);
    }
  });
}
try {
  if (needsPostgresql) cluster = await startPostgresql(options.kinds.length === 1);
  await main(options, cluster);
} catch (error) {
  console.error(`bench: ${error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  cluster?.stop();
}
