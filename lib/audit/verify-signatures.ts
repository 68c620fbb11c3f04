/**
 * Machine signatures checked in flight while the verifier reads on. With a back end whose
 * `verify` really is asynchronous (WebCrypto runs it on a thread pool) this keeps every core
 * busy; with a synchronous one it costs nothing. Results are still reported in seq order,
 * so the FIRST bad entry is named even when a later one finished verifying earlier.
 */
export interface PendingSignature {
  seq: number;
  valid: Promise<boolean>;
}

const settle = async (batch: PendingSignature[]): Promise<number | null> => {
  const results = await Promise.all(batch.map((p) => p.valid));
  const bad = results.indexOf(false);
  return bad < 0 ? null : batch[bad]!.seq;
};

export class SignatureQueue {
  private batch: PendingSignature[] = [];
  private inFlight: Promise<number | null> | null = null;
  private checked = 0;

  /** @param batchSize signatures per batch; two batches are in flight at most. */
  constructor(private readonly batchSize = 256) {}

  get count(): number {
    return this.checked;
  }

  /** Queues a check; resolves to the seq of the first invalid signature once one is known, else null. */
  async add(seq: number, valid: Promise<boolean>): Promise<number | null> {
    // A back end must not throw, but a rejection must neither pass as valid nor go unhandled.
    this.batch.push({ seq, valid: valid.catch(() => false) });
    this.checked++;
    if (this.batch.length < this.batchSize) return null;
    const previous = this.inFlight;
    this.inFlight = settle(this.batch);
    this.batch = [];
    return previous ? previous : null;
  }

  /** Waits for everything queued; the seq of the first invalid signature, or null. */
  async drain(): Promise<number | null> {
    const previous = this.inFlight ? await this.inFlight : null;
    this.inFlight = null;
    if (previous !== null) return previous;
    const last = await settle(this.batch);
    this.batch = [];
    return last;
  }
}
