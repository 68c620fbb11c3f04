/**
 * pteri audit verify-receipt: offline check of an intent's audit receipt (lib/audit/receipt.ts)
 * against the pinned log key, and what it proves about the intent (receipt-report.ts).
 */
import fs from "node:fs";
import { receiptReport, type ReceiptReport } from "../../audit/receipt-report";
import { verifyReceipt } from "../../audit/receipt";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { defineCommand, required } from "../command";
import { CliError, EXIT, oneLine, UsageError } from "../errors";
import { printError, printJson, printLine } from "../output";
import { readLogKey } from "./audit-verify";

const NAME = "audit verify-receipt";
/** Receipts are a few kilobytes per entry; the bound refuses a wrong file before parsing it. */
const MAX_RECEIPT_BYTES = 16 * 1024 * 1024;

function readReceipt(file: string): unknown {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_RECEIPT_BYTES) throw new CliError(`${file} is larger than ${MAX_RECEIPT_BYTES} bytes: not a receipt`);
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${file} is not JSON: not an audit receipt`);
  }
}

const when = (e: { seq: number; time: string }) => `${e.time} (entry ${e.seq})`;

function printReport(r: ReceiptReport): void {
  const t = (s: string) => oneLine(s);
  printLine(`OK: receipt for intent ${t(r.intentId)} verified: ${r.entries} entries in the checkpoint of log ${t(r.origin)} at size ${r.checkpointSize}.`);
  printLine(`  intent      ${t(r.action)} on ${t(r.resource)} (hash ${r.intentHash})`);
  printLine(`  submitted   ${when(r.submitted)} by machine ${t(r.submitted.machineId)} (key ${t(r.submitted.keyId)})`);
  const rules = r.decision.rules.map((x) => `rule ${t(x.ruleId)} of policy ${t(x.policyId)} v${x.policyVersion}`).join(", ");
  printLine(`  decided     ${t(r.decision.decision)} (${t(r.decision.reason)})${rules ? ` by ${rules}` : ""}`);
  for (const a of r.approvals) printLine(`  ${a.decision === "approve" ? "approved   " : "rejected   "} ${when(a)} by operator ${t(a.operatorId)}: "${t(a.reason)}" (passkey signature verified)`);
  if (r.approvals.length > 0 && r.settled) printLine(`  settled     ${t(r.settled.status)} at ${when(r.settled)}, by ${r.approvals.filter((a) => a.decision === "approve").length} operator approval(s)`);
  if (r.executed) printLine(`  executed    ${when(r.executed)}: ${t(r.executed.method)} ${t(r.executed.targetUri)}, verified by resource service key ${t(r.executed.resourceServiceKeyId)}`);
  else printLine(`  executed    no: the receipt holds no execution`);
  if (r.expired) printLine(`  expired     ${when(r.expired)}`);
  if (r.refusedExecutions > 0) printLine(`  refused     ${r.refusedExecutions} execution attempt(s) refused`);
  printLine(`  signatures  ${r.machineSignatures} machine (Ed25519) and ${r.approvalSignatures} passkey signatures re-verified; every entry re-hashed and proven in the checkpoint signed by --log-key`);
}

export const auditVerifyReceipt = defineCommand({
  name: NAME,
  summary: "Verify an intent's audit receipt offline: entries, inclusion proofs, signatures",
  description:
    "Checks a receipt (pteri intent receipt) without trusting the server: every entry's hash, its\n" +
    "inclusion proof into the checkpoint, the checkpoint's signature by the pinned log key, that\n" +
    "every entry is about the one intent, and every machine and passkey signature in them; then\n" +
    "says what the receipt proves: submitted, decided, approved, executed.",
  usage: `${NAME} RECEIPT.json --log-key FILE|VKEY [--json]`,
  help: `Options:
  --log-key FILE|VKEY  The log's verifier key, obtained independently of the receipt: the vkey
                       text, or a file holding it or the JSON of /.well-known/pteri-log-key.
                       Required: the key named inside a receipt proves nothing.

Example:
  pteri intent receipt int_123 --server https://pteri.example.com --key machine.pem --out receipt.json
  pteri audit verify-receipt receipt.json --log-key log-key.json

What it does not prove: that no other entry about the intent exists (a receipt proves that its
entries are in the log, not that it holds all of them), nor anything about entries appended after
the receipt's checkpoint.

Exit status: 0 when everything holds, 1 when something does not (one line on stderr saying which
entry and why), 2 on a usage error.`,
  options: { "log-key": { type: "string" } },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const file = positionals[0];
    if (!file) throw new UsageError("missing RECEIPT.json", NAME);
    const logKey = readLogKey(required(values["log-key"], "--log-key FILE|VKEY", NAME, "the log's verifier key, from /.well-known/pteri-log-key"), NAME);
    const result = await verifyReceipt(readReceipt(file), { logKey, backend: nodeEd25519 });
    if (!result.ok) {
      if (values.json) printJson(result);
      printError(result.message);
      return EXIT.failure;
    }
    const report = receiptReport(result);
    if (values.json) printJson({ ok: true, ...report });
    else printReport(report);
    return EXIT.ok;
  },
});
