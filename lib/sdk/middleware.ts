/**
 * pteriVerifier: the resource service's gate, for node:http and Express-style `(req, res, next)`.
 * Every request must be a machine's signed execution of an allowed or approved intent:
 *
 *  - the raw body is read here (size-limited), so mount it before any body parser;
 *  - the target URI is the configured public URL + the path and query received;
 *  - verifyExecution asks PTERI; on allow, `req.pteri` holds the intent, the answer and the
 *    raw body, and `next()` runs the handler; on deny the answer is 403 problem+json with the
 *    reason; when PTERI cannot be asked (unreachable, or it refused the call) the answer is
 *    503: fail closed, nothing executes without an allow.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PROBLEM_TYPE_BASE } from "../http/problem";
import type { VerifiedIntent, VerifyAnswer } from "../intents/verify-wire";
import { nodeEd25519 } from "../protocol/ed25519-node";
import type { Ed25519Backend } from "../protocol";
import { PteriServerError } from "./enroll";
import { PteriSdkError } from "./errors";
import { toPrivateKey, type PrivateKeyInput } from "./keys";
import { readIncomingMessage } from "./node-request";
import { checkedOrigin, rebuildTarget } from "./verify-incoming";
import { verifyExecution } from "./verify-execution";

export type PteriVerifierOptions = {
  /** The Console's URL (PTERI_PUBLIC_URL). */
  server: string | URL;
  /** This service's own machine key (enrolled, granted intents.verify for its audience). */
  key: PrivateKeyInput;
  /**
   * The URL clients use to reach this service (an origin, e.g. https://payments.example.com):
   * the target URI the machine signed. Never taken from the Host header: a client chooses
   * Host, and behind a reverse proxy it names the upstream, so a request signed for another
   * service (or a proxy-rewritten one) would otherwise be checked against whatever the
   * client claimed instead of what this service really is.
   */
  publicUrl: string | URL;
  /** Largest body read; default 1 MiB (larger: 413). */
  maxBodyBytes?: number;
  /** How long to wait for PTERI; default 10 s (then 503). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  backend?: Ed25519Backend;
  /** Called when PTERI could not be asked (the request was answered 503); default: one line on stderr. */
  onUnavailable?: (error: unknown) => void;
};

/** What an allowed request carries for the handler. */
export type PteriExecution = { intent: VerifiedIntent; answer: VerifyAnswer; body: Uint8Array };
export type PteriIncomingMessage = IncomingMessage & { pteri?: PteriExecution };
export type PteriMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => Promise<void>;

function sendProblem(res: ServerResponse, status: number, code: string, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, code, title, status, detail, ...extra });
  res.writeHead(status, { "content-type": "application/problem+json", "cache-control": "no-store" });
  res.end(body);
}

function describe(error: unknown): string {
  if (error instanceof PteriServerError) return `${error.code} (HTTP ${error.status}): ${error.detail}`;
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
  return String(error);
}

export function pteriVerifier(options: PteriVerifierOptions): PteriMiddleware {
  // Fail at start-up, not on the first request.
  const origin = checkedOrigin(options.publicUrl);
  const key = toPrivateKey(options.key);
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const onUnavailable = options.onUnavailable ?? ((error) => console.error(`pteri: execution verification unavailable: ${describe(error)}`));

  return async (req, res, next) => {
    let body: Uint8Array;
    try {
      body = (await readIncomingMessage(req, maxBodyBytes)).body;
    } catch (error) {
      if (error instanceof PteriSdkError && error.code === "body_too_large") return sendProblem(res, 413, "body_too_large", "Request body too large", error.message);
      return sendProblem(res, 400, "body_unreadable", "Request body unreadable", "The request body could not be read completely.");
    }
    const url = rebuildTarget(origin, req.url ?? "/");
    if (url === null) return sendProblem(res, 400, "target_invalid", "Request target invalid", "The request target is neither a path nor an absolute URI.");

    let answer: VerifyAnswer;
    try {
      answer = await verifyExecution({
        server: options.server,
        key: key.seed,
        method: req.method ?? "GET",
        url,
        headers: req.headers,
        body,
        backend: options.backend ?? nodeEd25519,
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    } catch (error) {
      onUnavailable(error);
      return sendProblem(res, 503, "verification_unavailable", "Execution cannot be verified", "PTERI could not verify this request now, so it was not executed; try again later.", {});
    }
    if (answer.decision !== "allow" || !answer.intent) {
      return sendProblem(res, 403, answer.reason, "Execution refused", answer.message, answer.mismatch ? { mismatch: answer.mismatch } : {});
    }
    (req as PteriIncomingMessage).pteri = { intent: answer.intent, answer, body };
    next();
  };
}
