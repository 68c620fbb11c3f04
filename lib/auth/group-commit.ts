/**
 * Group commit: a tiny in-process queue that hands work items to a batch function, so that
 * items arriving while a batch is being committed are committed together in the next one.
 *
 *  - An item submitted while nothing is running starts a batch once the process is idle:
 *    the queue looks again after each turn of the event loop (setImmediate: the check phase,
 *    right after the poll phase has handed out the I/O that is already there) and starts the
 *    batch as soon as a turn brought no new item, or `maxBatch` items wait, or after
 *    MAX_SETTLE_TURNS turns. No timer, no artificial wait: an item that arrives alone is
 *    committed after one turn of the event loop; requests that arrive together (and those
 *    that arrive while others are still being verified) commit together.
 *    This matters with better-sqlite3: its statements complete synchronously, so a whole
 *    transaction runs as one chain of microtasks, and without these yields no other request
 *    could ever reach the queue while a batch is being formed.
 *  - While a batch runs, new items wait; when it finishes, everything waiting (up to
 *    `maxBatch`) becomes the next batch. Under load, batches grow by themselves to the number
 *    of items that arrived during one commit, and the per-commit cost is shared.
 *  - Each item gets its own answer: `run` returns one result per item, in order. When `run`
 *    throws for a batch of several items (the transaction failed and rolled back), each item
 *    is run again alone, so that one item that cannot be committed fails alone instead of
 *    failing the others (unless `retryAlone` says the failure concerns no item in
 *    particular); an item that fails is rejected with its error. Later batches are unaffected.
 *
 * One queue runs one batch at a time. It knows nothing about databases: the caller's `run`
 * decides what a batch is (lib/auth/request-commit.ts: one write transaction).
 */
/** Most event-loop turns a batch waits for more items while they keep arriving. */
export const MAX_SETTLE_TURNS = 8;

export interface GroupCommitOptions {
  /** Most items in one batch (default 64). */
  maxBatch?: number;
  /**
   * Whether a failed batch's items are worth running again one by one (default: always).
   * False for failures that concern no item in particular (the database is unreachable or
   * busy beyond its timeout): every item of the batch is then rejected at once.
   */
  retryAlone?: (error: unknown) => boolean;
}

export type BatchRunner<I, R> = (items: readonly I[]) => Promise<readonly R[]>;

interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private running = false;
  /** Batches run (retries of single items included), items submitted, and batches that failed
   *  and were retried item by item, since the queue was created (metrics, the benchmark). */
  readonly stats = { batches: 0, items: 0, retriedBatches: 0 };

  readonly maxBatch: number;
  private readonly retryAlone: (error: unknown) => boolean;

  constructor(
    private readonly run: BatchRunner<I, R>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.retryAlone = options.retryAlone ?? (() => true);
    if (!Number.isSafeInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError("GroupCommit: maxBatch must be a positive integer");
  }

  /** Queues `item` and resolves with its own result once its batch committed. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.settle(this.waiting.length, 0);
      }
    });
  }

  /** Starts the batch when a turn brought nothing new (see the top of this file). */
  private settle(seen: number, turns: number): void {
    setImmediate(() => {
      const now = this.waiting.length;
      if (now === seen || now >= this.maxBatch || turns + 1 >= MAX_SETTLE_TURNS) void this.drain();
      else this.settle(now, turns + 1);
    });
  }

  private async runChecked(items: readonly I[]): Promise<readonly R[]> {
    const results = await this.run(items);
    if (results.length !== items.length) throw new Error(`GroupCommit: the batch returned ${results.length} results for ${items.length} items`);
    return results;
  }

  /** Items waiting for a batch (not counting the one running). */
  get pending(): number {
    return this.waiting.length;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        this.stats.batches++;
        this.stats.items += batch.length;
        try {
          const results = await this.runChecked(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i]!));
        } catch (error) {
          if (batch.length === 1 || !this.retryAlone(error)) {
            for (const w of batch) w.reject(error);
            continue;
          }
          this.stats.retriedBatches++;
          for (const w of batch) {
            this.stats.batches++;
            await this.runChecked([w.item]).then(([result]) => w.resolve(result!), w.reject);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
