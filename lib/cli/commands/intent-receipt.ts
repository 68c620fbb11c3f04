/**
 * pteri intent receipt: fetches the audit receipt of one of this machine's intents (signed
 * GET /api/v1/intents/{id}/receipt, SDK getReceipt) for `pteri audit verify-receipt`.
 */
import fs from "node:fs";
import path from "node:path";
import type { AuditReceipt } from "../../audit/receipt";
import { getReceipt, nodeEd25519, readPrivateKeyFile } from "../../sdk/node";
import { defineCommand, required } from "../command";
import { CliError, EXIT, oneLine } from "../errors";
import { printDiagnostic, printJson, printLine } from "../output";
import { serverOption } from "./enroll";
import { intentIdOption } from "./intent-args";
import { intentFailure } from "./intent-report";

const NAME = "intent receipt";

function writeNew(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "EEXIST" ? `${file} exists already; a receipt never overwrites a file` : `cannot write ${file}: ${code ?? String(error)}`);
  }
}

export const intentReceipt = defineCommand({
  name: NAME,
  summary: "Fetch an intent's audit receipt: its entries with inclusion proofs in a signed checkpoint",
  description:
    "Fetches the receipt of an intent of this machine: the intent's audit entries (submission,\n" +
    "decision, approvals, execution), each with a Merkle inclusion proof into one checkpoint\n" +
    "signed by the log key. Check it offline with pteri audit verify-receipt.",
  usage: `${NAME} --server URL --key FILE [--out FILE] [--json] ID`,
  help: `Options:
  --server URL      The Console's address, e.g. https://pteri.example.com
  --key FILE        The machine's private key (a receipt is given to the intent's machine only)
  --out FILE        Write the receipt here (never overwritten); default: standard output.
                    With --out, --json prints a summary {file, intentId, entries, checkpointSize}

Example:
  pteri intent receipt --server https://pteri.example.com --key machine.pem --out receipt.json int_123
  pteri audit verify-receipt receipt.json --log-key log-key.json

Exit status: 0 written, 1 the Console refused (e.g. not_found: not this machine's intent) or
could not be reached, 2 usage error.`,
  options: { server: { type: "string" }, key: { type: "string" }, out: { type: "string", short: "o" } },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const server = serverOption(values.server, NAME);
    const keyFile = required(values.key, "--key FILE", NAME, "the machine's private key");
    const id = intentIdOption(positionals[0], "ID", NAME);
    const key = await readPrivateKeyFile(keyFile);
    let receipt: AuditReceipt;
    try {
      receipt = await getReceipt({ server, key: key.seed, id, backend: nodeEd25519 });
    } catch (error) {
      throw intentFailure("intent receipt", server, error);
    }
    const text = `${JSON.stringify(receipt, null, 2)}\n`;
    if (values.out === undefined) {
      printLine(text);
      printDiagnostic(`Check it offline: pteri audit verify-receipt FILE --log-key log-key.json (the log key from ${server}/.well-known/pteri-log-key, obtained once and kept).`);
      return EXIT.ok;
    }
    const file = path.resolve(values.out);
    writeNew(file, text);
    const size = Number(receipt.checkpoint.split("\n")[1]);
    if (values.json) printJson({ file, intentId: receipt.intentId, entries: receipt.entries.length, checkpointSize: size });
    else {
      printLine(`Wrote the receipt of intent ${oneLine(receipt.intentId)} (${receipt.entries.length} entries, checkpoint of ${size} entries) to ${file}.`);
      printLine(`Check it offline: pteri audit verify-receipt ${file} --log-key log-key.json (the log key from ${server}/.well-known/pteri-log-key, obtained once and kept).`);
    }
    return EXIT.ok;
  },
});
