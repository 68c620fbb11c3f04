/**
 * Machine inventory benchmark (issue 6): the Console's list query (search, filter, sort, one
 * page, total count, facets) over PTERI_BENCH_MACHINES machines (default 10,000) in a
 * temporary database (each database bench/run.ts measures), reported as milliseconds per page;
 * the first page of an unfiltered name sort is the baseline the others are compared with, in
 * the same run.
 */
import type { Db } from "../lib/db/client";
import { listMachines, machineFacets, machineQuerySchema } from "../lib/machines/inventory";
import { withBenchDb, type BenchDatabase } from "./database";
import { onEachDatabase, opsPerSecond, type BenchResult, type GroupResults } from "./result";

const RUN_MS = 1500;

function machineCount(): number {
  const n = Number(process.env.PTERI_BENCH_MACHINES ?? "10000");
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("PTERI_BENCH_MACHINES must be a positive whole number");
  return n;
}

async function seed(db: Db, n: number): Promise<void> {
  const environments = ["production", "staging", "development", "ci"];
  const statuses = ["active", "active", "active", "suspended", "revoked", "pending"];
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k;
      return {
        name: `worker-${String(i).padStart(6, "0")}`,
        keyId: `bench-key-${i}`.padEnd(43, "x"),
        publicJwk: "{}",
        status: statuses[i % statuses.length]!,
        tags: JSON.stringify([`team:${i % 25}`, `region:${i % 7}`]),
        environment: environments[i % environments.length]!,
        owner: `owner-${i % 40}`,
        lastSeenAt: i % 3 === 0 ? null : new Date(Date.UTC(2026, 11, 1) + i * 1000),
      };
    });
    await db.machine.createMany({ data: rows });
  }
}

export async function benchMachines(databases: BenchDatabase[]): Promise<GroupResults> {
  return { shared: [], byDatabase: await onEachDatabase("machines", databases, machinesOn) };
}

function machinesOn(database: BenchDatabase): Promise<BenchResult[]> {
  return withBenchDb(database, "machines", (db) => measure(db, machineCount()));
}

async function measure(db: Db, n: number): Promise<BenchResult[]> {
  await seed(db, n);
  const queries: [string, Record<string, string>][] = [
    ["first page, by name", {}],
    ["page 100, by name", { page: "100" }],
    ["search 'worker-0042'", { q: "worker-0042" }],
    ["status + tag + environment", { status: "active", tag: "team:7", environment: "production" }],
    ["by last seen, descending", { sort: "lastSeenAt", order: "desc" }],
  ];
  const results: BenchResult[] = [];
  let baseline = 0;
  for (const [name, params] of queries) {
    const query = machineQuerySchema.parse(params);
    const rate = await opsPerSecond(RUN_MS, () => listMachines(db, query), 4);
    const ms = 1000 / rate;
    if (baseline === 0) baseline = ms;
    results.push({ name: `list ${name}`, value: ms, unit: "ms/page", note: `${n.toLocaleString("en-US")} machines, 50 per page, with total count; ${(ms / baseline).toFixed(2)}x the first page` });
  }
  const facetRate = await opsPerSecond(RUN_MS, () => machineFacets(db), 4);
  results.push({ name: "filter facets (environments, tags)", value: 1000 / facetRate, unit: "ms", note: "computed per list request" });
  return results;
}
