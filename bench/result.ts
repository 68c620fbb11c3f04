import type { DatabaseKind } from "../lib/config/env";
import type { BenchDatabase } from "./database";

/** One figure printed by `npm run bench`. Figures are reported, never asserted. */
export interface BenchResult {
  /** The same on every database, so that bench/report.ts can put the two side by side. */
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** A group's figures: those that touch no database (measured once) and those measured on each. */
export interface GroupResults {
  shared: BenchResult[];
  byDatabase: Partial<Record<DatabaseKind, BenchResult[]>>;
}

/** Runs `measure` on each database in turn (never at once: they would share the 2 cores). */
export async function onEachDatabase(group: string, databases: BenchDatabase[], measure: (database: BenchDatabase) => Promise<BenchResult[]>): Promise<GroupResults["byDatabase"]> {
  const byDatabase: GroupResults["byDatabase"] = {};
  for (const database of databases) {
    console.error(`bench ${group}: on ${database.kind}...`);
    byDatabase[database.kind] = await measure(database);
  }
  return byDatabase;
}

/** Runs `op` repeatedly for about `ms` milliseconds (checking the clock every `batch` calls). */
export async function opsPerSecond(ms: number, op: () => unknown, batch = 64): Promise<number> {
  const start = performance.now();
  let count = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) await op();
    count += batch;
    elapsed = performance.now() - start;
    await yieldToEventLoop();
  }
  return (count * 1000) / elapsed;
}

/**
 * SQLite's driver answers synchronously, so a loop awaiting it never leaves the microtask
 * queue: Ctrl-C (bench/run.ts stops its PostgreSQL cluster then) would wait for the loop.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The same, for synchronous work: no await per call, so the loop itself costs nothing. */
export function opsPerSecondSync(ms: number, op: () => unknown, batch = 256): number {
  const start = performance.now();
  let count = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) op();
    count += batch;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}
