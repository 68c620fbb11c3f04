/** One figure printed by `npm run bench`. Figures are reported, never asserted. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
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
  }
  return (count * 1000) / elapsed;
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
