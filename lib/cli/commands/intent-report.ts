/**
 * How `pteri intent submit|status` report an intent: the state block on stdout, exit statuses
 * per intent status, failures as one line, and waiting for a decision with progress on stderr.
 */
import type { IntentAnswer, IntentStatus } from "../../intents/wire";
import { PteriSdkError, PteriServerError, waitForDecision } from "../../sdk/node";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { CliError, oneLine } from "../errors";
import { printDiagnostic, printLine } from "../output";

/** Exit statuses of the intent commands, beside 1 (failure) and 2 (usage). */
export const INTENT_EXIT = {
  /** allowed or approved: it may be executed now. */
  executable: 0,
  /** denied, rejected or expired: it will never be executable. */
  refused: 3,
  /** still pending: no decision yet (without --wait, or --wait's time ran out). */
  pending: 4,
  /** executed: it was allowed and has been used (single use). */
  executed: 5,
} as const;

export function exitFor(status: IntentStatus): number {
  switch (status) {
    case "allowed":
    case "approved":
      return INTENT_EXIT.executable;
    case "pending":
      return INTENT_EXIT.pending;
    case "executed":
      return INTENT_EXIT.executed;
    default:
      return INTENT_EXIT.refused;
  }
}

/** Server-supplied text, safe for a terminal: one line, no control characters. */
const text = (value: unknown): string => oneLine(String(value ?? ""));

function statusLine(answer: IntentAnswer): string {
  const a = answer.approvals;
  const approvals = a ? ` (${a.received} of ${a.required} approvals)` : "";
  const meaning: Record<IntentStatus, string> = {
    pending: `waiting for approval${approvals}`,
    allowed: "may be executed",
    approved: `may be executed${approvals}`,
    denied: "refused by policy",
    rejected: "rejected by an approver",
    expired: "expired before it was decided or executed",
    executed: "executed (single use)",
  };
  return `${answer.status}: ${meaning[answer.status]}`;
}

/** The intent's state, one field a line. */
export function printIntent(answer: IntentAnswer): void {
  const d = answer.decision;
  printLine(`id:        ${text(answer.id)}`);
  printLine(`hash:      ${text(answer.hash)}`);
  printLine(`status:    ${statusLine(answer)}`);
  printLine(`decision:  ${text(d.decision)} (${text(d.reason)})${d.message ? `: ${text(d.message)}` : ""}`);
  if (d.rules.length === 0) printLine("rule:      none (default deny)");
  for (const r of d.rules) printLine(`rule:      ${text(r.ruleId)} (policy ${text(r.policyId)} version ${text(r.policyVersion)})`);
  const until = answer.status === "pending" ? "decide by" : answer.status === "allowed" || answer.status === "approved" ? "execute by" : "expires";
  printLine(`expires:   ${answer.expiresAt ? `${text(answer.expiresAt)} (${until})` : "never"}`);
}

/** One line for a failed call to the Console: refused (4xx), failed (5xx, bad answer), or unreachable. */
export function intentFailure(what: string, server: string, error: unknown): Error {
  if (error instanceof PteriServerError) {
    const refused = error.status >= 400 && error.status < 500;
    return new CliError(`${what} ${refused ? "refused" : "failed"} (${error.code}): ${error.detail.trim()}`);
  }
  if (error instanceof PteriSdkError || error instanceof CliError) return error;
  if (error instanceof Error && error.name === "TimeoutError") return new CliError(`${what} failed: no answer from ${server} in time`);
  return new CliError(`cannot reach ${server}: ${cause(error)}`);
}

function cause(error: unknown): string {
  return error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
}

function describeRetry(error: unknown): string {
  if (error instanceof PteriServerError) return `HTTP ${error.status}${error.code.startsWith("http_") ? "" : ` ${error.code}`}`;
  return cause(error);
}

/**
 * Waits while `answer` is pending: at most `limit` seconds, or (null) until the intent's own
 * deadline plus a minute. Progress goes to stderr: a line when waiting starts, and when the
 * connection is lost and regained. Returns the last answer.
 */
export async function waitWhilePending(
  answer: IntentAnswer,
  options: { server: string; key: Uint8Array; limit: number | null; what: string },
): Promise<IntentAnswer> {
  if (answer.status !== "pending") return answer;
  const { server, key, limit } = options;
  let timeoutSeconds = limit ?? Infinity;
  if (limit === null && answer.expiresAt) {
    const left = Date.parse(answer.expiresAt) - Date.now();
    if (Number.isFinite(left)) timeoutSeconds = Math.max(0, Math.ceil(left / 1000)) + 60;
  }
  const approvals = answer.approvals ? `, ${answer.approvals.received} of ${answer.approvals.required} approvals` : "";
  const until = limit !== null ? `up to ${limit} s` : answer.expiresAt ? `until ${text(answer.expiresAt)}` : "until it is decided";
  printDiagnostic(`Waiting for a decision on intent ${text(answer.id)} (${until}${approvals})...`);
  let lost = false;
  try {
    return await waitForDecision({
      server,
      key,
      id: answer.id,
      backend: nodeEd25519,
      timeoutSeconds,
      onRetry: ({ error }) => {
        if (!lost) printDiagnostic(`Lost contact with ${server} (${oneLine(describeRetry(error))}); retrying...`);
        lost = true;
      },
      onAnswer: () => {
        if (lost) printDiagnostic(`Reconnected to ${server}.`);
        lost = false;
      },
    });
  } catch (error) {
    throw intentFailure(options.what, server, error);
  }
}
