/**
 * pteri audit verify: offline verification of an audit export (lib/audit/verify-export.ts),
 * streamed line by line so a million-entry file needs no more memory than a small one.
 * Signatures are checked on WebCrypto's thread pool, which keeps every core busy.
 */
import fs from "node:fs";
import readline from "node:readline";
import { Readable } from "node:stream";
import { parseVkey } from "../../audit/checkpoint";
import { webCryptoVerifier } from "../../protocol/ed25519-webcrypto";
import { verifyExport, type VerifyExportResult } from "../../audit/verify-export";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { defineCommand } from "../command";
import { CliError, EXIT, UsageError } from "../errors";
import { printDiagnostic, printError, printJson, printLine } from "../output";
import { ProgressBar } from "./audit-progress";
import { verifyLiveLog } from "./audit-verify-server";

const NAME = "audit verify";

/**
 * The file's bytes, read synchronously in 1 MiB chunks. Asynchronous reads would run on
 * libuv's thread pool and queue behind the signature checks running there, starving the
 * verifier of input: measured, verification then used one core instead of two.
 */
function* chunks(fd: number, read: { bytes: number }): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) return;
    read.bytes += n;
    yield Buffer.from(buffer.subarray(0, n));
  }
}

/** --log-key: a vkey, or a file holding one (or the JSON of /.well-known/pteri-log-key). */
export function readLogKey(value: string, command = NAME): string {
  let text = value;
  if (fs.existsSync(value)) {
    try {
      text = fs.readFileSync(value, "utf8").trim();
    } catch (error) {
      throw new CliError(`cannot read --log-key file ${value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (text.startsWith("{")) {
      try {
        text = String((JSON.parse(text) as { vkey?: unknown }).vkey ?? "");
      } catch {
        text = "";
      }
    }
  }
  const parsed = parseVkey(text.trim());
  if (!parsed.ok) throw new UsageError(`--log-key must be the log's verifier key (<origin>+<hash>+<key>) or a file holding it: ${parsed.message}`, command);
  return text.trim();
}

function printReport(result: Extract<VerifyExportResult, { ok: true }>): void {
  printLine(`OK: entries ${result.from} to ${result.to} of log ${result.origin} verified (${result.entries} entries).`);
  printLine(`  hash chain       every entry re-hashed and linked to the one before`);
  printLine(`  machine requests ${result.machineSignatures} Ed25519 signatures verified with the exported machine keys`);
  printLine(`  Merkle tree      root matches the checkpoint at size ${result.checkpointSize}${result.checkpointSize > result.to + 1 ? " (through the consistency proof)" : ""}`);
  printLine(`  checkpoint       signed by ${result.logKeyPinned ? "the log key given with --log-key" : "the key named in the export itself (NOT pinned)"}`);
}

export const auditVerify = defineCommand({
  name: NAME,
  summary: "Verify an audit export offline: hashes, links, signatures, Merkle root, checkpoint",
  description:
    "Re-checks an audit export (npm run admin -- audit-export) without trusting the server: every\n" +
    "entry's hash and its link to the previous entry, every machine signature, the Merkle root\n" +
    "against the checkpoint signed by the log key, and that checkpoint's signature.",
  usage: "audit verify EXPORT.jsonl [--log-key FILE|VKEY] [--progress] [--json]\n       pteri audit verify --server URL --log-key FILE|VKEY [--state FILE] [--json]",
  help: `Options:
  --log-key FILE|VKEY  The log's verifier key, obtained independently of the export: the vkey
                       text, or a file holding it or the JSON of /.well-known/pteri-log-key.
                       Without it the key named in the export is used, which proves nothing
                       against a forger (a warning says so).
  --progress           Show the progress bar even when stderr is not a terminal
  --server URL         Instead of a file: check the live log at URL only grew since the
                       checkpoint this machine saw last (needs --log-key; the first run
                       trusts on first use). A rewritten history exits 1.
  --state FILE         Where --server remembers the last checkpoint (default:
                       $XDG_STATE_HOME/pteri/checkpoints/<origin>.json, or ~/.local/state/...)

Example:
  curl -s https://pteri.example.com/.well-known/pteri-log-key > log-key.json
  pteri audit verify audit.jsonl --log-key log-key.json

Exit status: 0 when everything holds, 1 when something does not (the first bad entry and
why, as one line on stderr), 2 on a usage error.`,
  options: { "log-key": { type: "string" }, progress: { type: "boolean" }, server: { type: "string" }, state: { type: "string" } },
  maxPositionals: 1,
  async run({ values, positionals }) {
    if (values.server !== undefined) {
      if (positionals[0] !== undefined) throw new UsageError("give EXPORT.jsonl or --server URL, not both", NAME);
      if (values["log-key"] === undefined) throw new UsageError("--server needs --log-key (the pinned log key is what the live log is checked against)", NAME);
      return verifyLiveLog({ server: values.server, logKey: readLogKey(values["log-key"]), ...(values.state ? { stateFile: values.state } : {}), json: !!values.json });
    }
    const file = positionals[0];
    if (!file) throw new UsageError("missing EXPORT.jsonl", NAME);
    const logKey = values["log-key"] === undefined ? undefined : readLogKey(values["log-key"]);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let fd: number;
    try {
      fd = fs.openSync(file, "r");
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const read = { bytes: 0 };
    const input = Readable.from(chunks(fd, read), { objectMode: false });
    const bar = values.progress || process.stderr.isTTY ? new ProgressBar(size, () => read.bytes) : null;
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    let result: VerifyExportResult | undefined;
    try {
      result = await verifyExport(lines, { backend: webCryptoVerifier(nodeEd25519), ...(logKey ? { logKey } : {}), onProgress: (n) => bar?.update(n) });
    } finally {
      lines.close();
      input.destroy();
      fs.closeSync(fd);
      bar?.done(result?.ok ? result.entries : undefined);
    }
    for (const warning of result.warnings) printDiagnostic(`pteri: ${warning}`);
    if (values.json) printJson(result);
    else if (result.ok) printReport(result);
    if (!result.ok) printError(result.message);
    return result.ok ? EXIT.ok : EXIT.failure;
  },
});
