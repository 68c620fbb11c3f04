/**
 * The progress bar of `pteri audit verify`, on stderr so stdout stays clean for --json.
 * Progress is by bytes read (the file size is known, the entry count is not until the end).
 * On a terminal it redraws one line; elsewhere (--progress into a log) it prints a line
 * every few seconds instead of filling the log with carriage returns.
 */
const WIDTH = 24;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m` : `${m}:${String(s % 60).padStart(2, "0")}`;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private entries = 0;
  private readonly tty: boolean;

  constructor(
    private readonly totalBytes: number,
    private readonly bytesRead: () => number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  update(entries: number): void {
    this.entries = entries;
    const now = Date.now();
    if (now - this.lastDraw < (this.tty ? 100 : 5000)) return;
    this.lastDraw = now;
    this.draw(now, false);
  }

  /** The last line: with the final entry count when verification completed, else where it stopped. */
  done(entries?: number): void {
    if (entries !== undefined) this.entries = entries;
    this.draw(Date.now(), true, entries !== undefined);
  }

  private draw(now: number, final: boolean, complete = false): void {
    const elapsed = Math.max((now - this.started) / 1000, 0.001);
    const read = complete ? this.totalBytes : Math.min(this.bytesRead(), this.totalBytes);
    const fraction = this.totalBytes > 0 ? read / this.totalBytes : 1;
    const filled = Math.round(fraction * WIDTH);
    const rate = this.entries / elapsed;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Infinity;
    const text =
      `verifying ${(fraction * 100).toFixed(1).padStart(5)}% [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ` +
      `${this.entries.toLocaleString("en-US")} entries  ${Math.round(rate).toLocaleString("en-US")}/s  ` +
      (final ? `in ${duration(elapsed)}` : `ETA ${duration(eta)}`);
    this.out.write(this.tty ? `\r${text}\x1b[K${final ? "\n" : ""}` : `${text}\n`);
  }
}
