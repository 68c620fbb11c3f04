/**
 * pteri audit export: downloads the audit log's JSONL export (the format of
 * `npm run admin -- audit-export`, lib/audit/export-format.ts) through the signed machine API.
 * The machine needs the `audit.read` permission. The body is streamed, so memory stays flat
 * for any log size; its first line must be the export's header before anything is written.
 */
import { once } from "node:events";
import fs from "node:fs";
import { unlink } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { EXPORT_FORMAT, type ExportHeaderLine } from "../../audit/export-format";
import { AUDIT_EXPORT_PATH } from "../../machines/wire";
import { tryUtf8Decode } from "../../protocol";
import { createSignedFetch, PteriServerError, readPrivateKeyFile } from "../../sdk/node";
import { defineCommand, required } from "../command";
import { CliError, UsageError } from "../errors";
import { printDiagnostic, printJson, printLine } from "../output";
import { serverOption } from "./enroll";

const NAME = "audit export";
/** The signed machine API's export endpoint (GET). */
/** The header line is small; anything longer before the first line break is not an export. */
const MAX_HEADER_BYTES = 64 << 10;

const WHY: Record<string, string> = {
  EEXIST: "the file already exists; pteri audit export never overwrites (choose another path)",
  ENOENT: "its directory does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

function parseHeader(bytes: Uint8Array): ExportHeaderLine | null {
  try {
    const header = JSON.parse(tryUtf8Decode(bytes) ?? "") as Partial<ExportHeaderLine>;
    if (header?.kind !== "header" || header.format !== EXPORT_FORMAT || typeof header.from !== "number" || typeof header.to !== "number") return null;
    return header as ExportHeaderLine;
  } catch {
    return null;
  }
}

/**
 * Where the export goes (a new file, or stdout), written with back-pressure. A write failure
 * (disk full, EPIPE on a closed pipe) becomes one CliError line, never an unhandled event.
 */
class Sink {
  private failed: NodeJS.ErrnoException | null = null;
  private constructor(
    readonly stream: Writable,
    readonly file: string | null,
  ) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      this.failed ??= error;
    });
  }

  static async open(file: string | null): Promise<Sink> {
    if (!file) return new Sink(process.stdout, null);
    const stream = fs.createWriteStream(file, { flags: "wx" });
    try {
      await once(stream, "open");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      throw new CliError(`cannot write ${JSON.stringify(file)}: ${WHY[code] ?? (code || String(error))}`);
    }
    return new Sink(stream, file);
  }

  private check(): void {
    if (!this.failed) return;
    const where = this.file ? JSON.stringify(this.file) : "standard output";
    throw new CliError(`audit export failed: cannot write to ${where}: ${this.failed.code ?? this.failed.message}${this.file ? `; the partial file ${this.file} was deleted` : ""}`);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.check();
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off("drain", done);
          this.stream.off("error", done);
          resolve();
        };
        this.stream.on("drain", done);
        this.stream.on("error", done);
      });
    }
    this.check();
  }

  /** Flushes and closes a file (stdout stays open). */
  async close(): Promise<void> {
    if (this.file) {
      this.stream.end();
      await Promise.race([once(this.stream, "finish"), once(this.stream, "error").catch(() => undefined)]);
    }
    this.check();
  }

  /** After a failure: a partial file is deleted (it was created by this run). */
  async discard(): Promise<void> {
    if (!this.file) return;
    this.stream.destroy();
    await unlink(this.file).catch(() => undefined);
  }
}

export const auditExport = defineCommand({
  name: NAME,
  summary: "Download the audit log export (JSONL) through the signed API, for audit verify",
  description:
    "Downloads the audit log's export through the signed machine API, in the format of\n" +
    "npm run admin -- audit-export, to check it offline with pteri audit verify. The machine needs\n" +
    "the audit.read permission (granted by an editor on the machine's page in the Console).",
  usage: "audit export --server URL --key FILE [--out FILE] [--json]",
  help: `Options:
  --server URL      The Console's address, e.g. https://pteri.example.com
  --key FILE        The machine's private key
  --out FILE        Write the export here (never overwritten); default: standard output.
                    --json needs --out, since the export itself is not JSON

Example:
  pteri audit export --server https://pteri.example.com --key machine.pem --out audit.jsonl
  curl -s https://pteri.example.com/.well-known/pteri-log-key > log-key.json
  pteri audit verify audit.jsonl --log-key log-key.json

With --json: {"file", "bytes", "from", "to", "origin"}.

Exit status: 0 exported, 1 refused by the server (e.g. machine_permission_missing), FILE
exists, the answer is not an export or was cut off; 2 on a usage error.`,
  options: { server: { type: "string" }, key: { type: "string" }, out: { type: "string", short: "o" } },
  async run({ values }) {
    const server = serverOption(values.server, NAME);
    const keyFile = required(values.key, "--key FILE", NAME, "the machine's private key");
    if (values.json && values.out === undefined) throw new UsageError("--json needs --out FILE (the export itself goes to standard output otherwise)", NAME);
    const key = await readPrivateKeyFile(keyFile);
    const url = `${server}${AUDIT_EXPORT_PATH}`;
    const signedFetch = createSignedFetch({ key: key.seed });

    let response: Response;
    try {
      response = await signedFetch(url, { redirect: "manual" });
    } catch (error) {
      if (error instanceof Error && error.name === "PteriSdkError") throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new CliError(`cannot reach ${server}: ${cause}`);
    }
    if (response.status < 200 || response.status > 299) {
      const refusal = await PteriServerError.fromResponse(response);
      throw new CliError(`audit export refused (${refusal.code}): ${refusal.detail.trim()}`);
    }
    if (!response.body) throw new CliError("audit export failed: the server's answer is empty, not an audit export");

    const reader = response.body.getReader();
    const file = values.out === undefined ? null : path.resolve(values.out);
    const notAnExport = () => new CliError("audit export failed: the server's answer is not an audit export (its first line is not a pteri-audit-export header)");
    let sink: Sink | null = null;
    let bytes = 0;
    try {
      // Nothing is written until the first line arrived and is an export's header.
      let pending = new Uint8Array(0);
      let header: ExportHeaderLine | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (value && value.length > 0) {
          if (sink) {
            bytes += value.length;
            await sink.write(value);
          } else {
            const joined = new Uint8Array(pending.length + value.length);
            joined.set(pending);
            joined.set(value, pending.length);
            pending = joined;
          }
        }
        if (!sink) {
          const newline = pending.indexOf(0x0a);
          if (newline < 0 && !done && pending.length <= MAX_HEADER_BYTES) continue;
          header = parseHeader(newline < 0 ? pending : pending.subarray(0, newline));
          if (!header) throw notAnExport();
          sink = await Sink.open(file);
          bytes += pending.length;
          await sink.write(pending);
        }
        if (done) break;
      }
      if (!header) throw notAnExport();
      await sink.close();
      const summary = { file, bytes, from: header.from, to: header.to, origin: header.origin };
      const range = header.to < header.from ? "no entries" : `entries ${header.from} to ${header.to}`;
      const verify = `pteri audit verify ${file ?? "FILE"} --log-key log-key.json (the log key from ${server}/.well-known/pteri-log-key, fetched independently)`;
      if (values.json) printJson(summary);
      else if (file) {
        printLine(`Wrote the audit export (${range} of log ${header.origin}, ${bytes} bytes) to ${file}.`);
        printLine(`Check it offline: ${verify}`);
      } else printDiagnostic(`Exported ${range} of log ${header.origin} (${bytes} bytes). Save it to a file and check it offline: ${verify}`);
      return 0;
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      await sink?.discard();
      if (error instanceof CliError) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new CliError(`audit export failed: the download was cut off (${cause})${sink?.file ? `; the partial file ${sink.file} was deleted` : ""}`);
    }
  },
});
