/** The group-commit queue on its own: batching, per-item answers, failures, no waiting. */
import { describe, expect, it } from "vitest";
import { GroupCommit, MAX_SETTLE_TURNS } from "@/lib/auth/group-commit";

/** A runner that records its batches and doubles numbers (or fails on demand). */
function recorder(fail: (items: readonly number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    await Promise.resolve();
    if (fail(items)) throw new Error(`failed ${items.join(",")}`);
    return items.map((n) => n * 2);
  };
  return { batches, run };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("GroupCommit", () => {
  it("commits a lone item after one turn of the event loop, without a timer", async () => {
    const { batches, run } = recorder();
    const queue = new GroupCommit(run);
    const started = performance.now();
    await expect(queue.submit(21)).resolves.toBe(42);
    expect(batches).toEqual([[21]]);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("commits items submitted together in one batch and answers each with its own result, in order", async () => {
    const { batches, run } = recorder();
    const queue = new GroupCommit(run);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.submit(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(queue.stats).toMatchObject({ batches: 1, items: 5 });
  });

  it("keeps gathering while items keep arriving, one event-loop turn at a time, up to MAX_SETTLE_TURNS", async () => {
    const { batches, run } = recorder();
    const queue = new GroupCommit(run);
    // Submits values[0] now and each next value one event-loop turn later, as requests
    // trickling in through successive poll phases would.
    const trickle = (values: number[]) => {
      const pending: Promise<number>[] = [];
      const next = (i: number) => {
        if (i >= values.length) return;
        setImmediate(() => {
          pending.push(queue.submit(values[i]!));
          next(i + 1);
        });
      };
      next(1); // queued before the queue's own check, like I/O handed out first
      pending.push(queue.submit(values[0]!));
      return async () => {
        while (pending.length < values.length) await turn();
        return Promise.all(pending);
      };
    };

    await trickle([0, 1, 2, 3])();
    expect(batches).toEqual([[0, 1, 2, 3]]);

    // An endless trickle does not hold the first items back for more than MAX_SETTLE_TURNS turns.
    const values = Array.from({ length: MAX_SETTLE_TURNS + 4 }, (_, i) => 100 + i);
    await trickle(values)();
    expect(batches[1]!.length).toBe(MAX_SETTLE_TURNS + 1); // the first item, then one per turn waited
    expect(batches.slice(1).flat()).toEqual(values);
  });

  it("puts items that arrive during a running batch into the next one", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: number[][] = [];
    const queue = new GroupCommit(async (items: readonly number[]) => {
      batches.push([...items]);
      if (batches.length === 1) await gate;
      return items.map((n) => -n);
    });
    const first = queue.submit(1);
    while (batches.length === 0) await turn();
    const later = [queue.submit(2), queue.submit(3)];
    expect(queue.pending).toBe(2);
    release();
    expect(await Promise.all([first, ...later])).toEqual([-1, -2, -3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it("never puts more than maxBatch items in one batch", async () => {
    const { batches, run } = recorder();
    const queue = new GroupCommit(run, { maxBatch: 3 });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => queue.submit(n)));
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
    expect(() => new GroupCommit(run, { maxBatch: 0 })).toThrow(RangeError);
  });

  it("retries a failed batch item by item, so that only the item that cannot commit fails", async () => {
    const { batches, run } = recorder((items) => items.includes(13));
    const queue = new GroupCommit(run);
    const results = await Promise.allSettled([11, 12, 13, 14].map((n) => queue.submit(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([22, 24, "failed 13", 28]);
    expect(batches).toEqual([[11, 12, 13, 14], [11], [12], [13], [14]]);
    expect(queue.stats.retriedBatches).toBe(1);
    // The queue keeps working afterwards.
    await expect(queue.submit(5)).resolves.toBe(10);
  });

  it("rejects every item at once when the failure concerns none of them in particular", async () => {
    const { batches, run } = recorder(() => true);
    const queue = new GroupCommit(run, { retryAlone: (error) => !(error as Error).message.includes("failed") });
    const results = await Promise.allSettled([1, 2, 3].map((n) => queue.submit(n)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("rejects a lone item whose batch fails, and refuses a runner that answers the wrong number of results", async () => {
    const failing = new GroupCommit(async () => {
      throw new Error("database unavailable");
    });
    await expect(failing.submit(1)).rejects.toThrow("database unavailable");
    const wrong = new GroupCommit(async () => [1, 2]);
    await expect(wrong.submit(1)).rejects.toThrow(/2 results for 1 items/);
  });
});
