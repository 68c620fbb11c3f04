/**
 * Intents, the machine's side (wire format: lib/intents/wire.ts).
 *
 * buildIntent: the intent document for a request the machine will send later, with the
 * Content-Digest of its body computed here and the document checked with the server's schema.
 * submitIntent: POST /api/v1/intents, signed (201: new, 200: identical resubmission).
 * getIntent: GET /api/v1/intents/{id}, optionally long-polling (?wait=SECONDS, at most 60).
 * waitForDecision: long-polls again and again until the intent is no longer pending; network
 * errors and 5xx answers (a restarting server, a proxy in between) are retried with backoff.
 *
 * Portable: no node: imports (the default back end is @noble/ed25519; Node callers pass
 * nodeEd25519). A server that says no is a PteriServerError carrying its problem `code`.
 */
import { INTENT_FORMAT, INTENT_STATUSES, INTENTS_PATH, intentDocumentSchema, intentHash, type IntentAnswer, type IntentDocument } from "../intents/wire";
import { canonicalJson, createContentDigest, isWellFormedUnicode, nobleEd25519, type Ed25519Backend } from "../protocol";
import { jsonBody } from "./body";
import { PteriServerError, serverBaseUrl } from "./enroll";
import { PteriSdkError } from "./errors";
import type { PrivateKeyInput } from "./keys";
import { createSignedFetch } from "./signed-fetch";

/** The longest long poll the server holds (GET …?wait=SECONDS). */
export const MAX_INTENT_WAIT_SECONDS = 60;

export type BuildIntentInput = {
  /** Dot-separated lowercase words, e.g. payments.transfer. */
  action: string;
  resource: string;
  /** A JSON object; default {}. */
  params?: Record<string, unknown>;
  /** The resource service's base URL. */
  audience: string;
  /** The request the machine will send to the audience once the intent is allowed or approved. */
  execute: {
    method: string;
    url: string;
    /** The exact body bytes it will send (a string is UTF-8); none, or empty, for no body. */
    body?: Uint8Array | string | null;
  };
  /** Makes otherwise identical intents distinct (without it, resubmission is idempotent). */
  nonce?: string;
};

/** Where an issue is: "execute.targetUri: must be…" */
function describeIssue(issue: { path: readonly PropertyKey[]; message: string }): string {
  const where = issue.path.map(String).join(".");
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** The path of the first `__proto__` member name (the server refuses it: parsers disagree on it), or null. */
function protoMember(value: unknown, path: string): string | null {
  if (value === null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    if (k === "__proto__") return path;
    const inner = protoMember(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`);
    if (inner) return inner;
  }
  return null;
}

/**
 * The document checked with the schema the server uses, and sendable exactly: JSON can represent
 * every value (no NaN, Infinity, undefined or function, which JSON.stringify would silently turn
 * into null or drop), no lone surrogate, no `__proto__` member. Else PteriSdkError("invalid_argument").
 */
export function checkIntent(doc: unknown): IntentDocument {
  const parsed = intentDocumentSchema.safeParse(doc);
  const invalid = (why: string) => new PteriSdkError("invalid_argument", `The intent is not valid: ${why}.`);
  if (!parsed.success) throw invalid(parsed.error.issues.slice(0, 3).map(describeIssue).join("; "));
  // Checked on the input: parsing drops an own "__proto__" member (it sets the prototype instead).
  const proto = protoMember((doc as { params?: unknown }).params, "params");
  if (proto) throw invalid(`${proto}: "__proto__" is not allowed as a member name`);
  let canonical: string;
  try {
    canonical = canonicalJson(doc);
  } catch (error) {
    // "canonicalJson: $.params.amount is Infinity, not a finite number"
    throw invalid((error instanceof Error ? error.message : String(error)).replace(/^canonicalJson: \$\.?/, ""));
  }
  if (!isWellFormedUnicode(canonical)) throw invalid("a text contains a lone surrogate (a broken UTF-16 character)");
  // What is sent and hashed is exactly what was given: the schema changed nothing.
  if (canonicalJson(parsed.data) !== canonical) throw invalid("the schema would change it (an unsupported value)");
  return parsed.data;
}

/** An http(s) URL as fetch and the signature's @target-uri write it (lowercase host, "/" path…); unparsable text is kept for the schema to report. */
function normalizedUrl(text: string): string {
  try {
    return new URL(text).href;
  } catch {
    return text;
  }
}

/** The audience in the same normal form, but "https://svc.example.com" stays without the "/" it gains. */
function normalizedAudience(text: string): string {
  try {
    const url = new URL(text);
    return url.pathname === "/" && !url.search && !url.hash && !text.endsWith("/") ? url.href.slice(0, -1) : url.href;
  } catch {
    return text;
  }
}

/**
 * The intent document for `input`. The execute URL is normalized the way signed fetch signs it
 * (`new URL(url).href`), the method is upper-cased, and the body's Content-Digest (sha-256) is
 * computed over exactly the given bytes, so the later execution request matches the commitment.
 * Throws PteriSdkError("invalid_argument") when the document does not pass the schema.
 */
export function buildIntent(input: BuildIntentInput): IntentDocument {
  const body = input.execute.body;
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : (body ?? null);
  const doc = {
    format: INTENT_FORMAT,
    action: input.action,
    resource: input.resource,
    params: input.params ?? {},
    audience: normalizedAudience(input.audience),
    execute: {
      method: input.execute.method.toUpperCase(),
      targetUri: normalizedUrl(input.execute.url),
      // Signed fetch sends an empty body as no body, so an empty body commits to none.
      contentDigest: bytes && bytes.length > 0 ? createContentDigest(bytes, "sha-256") : null,
    },
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
  };
  return checkIntent(doc);
}

type Common = {
  /** The Console's URL (PTERI_PUBLIC_URL), e.g. https://pteri.example.com. */
  server: string | URL;
  /** The machine's key: 32-byte seed, PKCS#8 PEM or private JWK. */
  key: PrivateKeyInput;
  /** The underlying fetch; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Ed25519 back end; default @noble/ed25519 (Node callers pass nodeEd25519). */
  backend?: Ed25519Backend;
  signal?: AbortSignal;
};

export type SubmitIntentOptions = Common & { intent: IntentDocument };
export type SubmitIntentResult = {
  /** True for a new intent (201), false when the server already had this exact document (200). */
  created: boolean;
  intent: IntentAnswer;
};
export type GetIntentOptions = Common & {
  id: string;
  /** Hold the answer up to this many seconds (0..60) while the intent is pending; default 0. */
  waitSeconds?: number;
};

export type WaitRetryInfo = {
  /** What went wrong: a network error, a timeout, or a PteriServerError with a 5xx/408/429 status. */
  error: unknown;
  /** Failures in a row, from 1. */
  attempt: number;
  /** How long until the next try. */
  delayMs: number;
};

export type WaitForDecisionOptions = Common & {
  id: string;
  /** Give up after this long (Infinity: until the intent is decided); the last answer is returned, still pending. */
  timeoutSeconds: number;
  /** Called before each retry after a failure. */
  onRetry?: (info: WaitRetryInfo) => void;
  /** Called with every answer (pending ones too). */
  onAnswer?: (answer: IntentAnswer) => void;
  /** Backoff after failures: first delay and cap, in ms; default 250 and 10000. */
  retryDelayMs?: { initial: number; max: number };
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks the shape of an IntentAnswer (the fields this SDK and the CLI rely on). */
async function intentAnswer(response: Response): Promise<IntentAnswer> {
  const invalid = (why: string) => new PteriServerError(response.status, "response_invalid", `The server's answer about the intent ${why}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw invalid("is not JSON");
  }
  if (!isRecord(body) || typeof body.id !== "string" || !body.id || typeof body.hash !== "string") throw invalid("has no id or hash");
  if (!(INTENT_STATUSES as readonly unknown[]).includes(body.status)) throw invalid(`has an unknown status ${JSON.stringify(String(body.status)).slice(0, 40)}`);
  const decision = body.decision;
  if (!isRecord(decision) || typeof decision.decision !== "string" || !Array.isArray(decision.rules)) throw invalid("has no policy decision");
  return body as unknown as IntentAnswer;
}

function signedFetchFor(options: Common): ReturnType<typeof createSignedFetch> {
  return createSignedFetch({ key: options.key, backend: options.backend ?? nobleEd25519, ...(options.fetch ? { fetch: options.fetch } : {}) });
}

/**
 * Submits an intent, signed with the machine's key. The document is checked with the schema
 * first, and the server's hash must equal the one computed here (RFC 8785 + SHA-256), so both
 * sides agree on what was declared. Throws PteriSdkError for an invalid document, key or URL,
 * PteriServerError when the server refuses (e.g. `intent_invalid`, `key_unknown`).
 */
export async function submitIntent(options: SubmitIntentOptions): Promise<SubmitIntentResult> {
  const base = serverBaseUrl(options.server);
  const doc = checkIntent(options.intent);
  const expected = intentHash(doc).hex;
  const signedFetch = signedFetchFor(options);
  const response = await signedFetch(`${base}${INTENTS_PATH}`, jsonBody(doc, { method: "POST", redirect: "manual", signal: options.signal }));
  if (response.status !== 200 && response.status !== 201) throw await PteriServerError.fromResponse(response);
  const intent = await intentAnswer(response);
  if (intent.hash.toLowerCase() !== expected) {
    throw new PteriServerError(response.status, "response_invalid", `The server's hash of the intent (${intent.hash.slice(0, 64)}) is not the hash computed here (${expected}).`);
  }
  return { created: response.status === 201, intent };
}

/** GET /api/v1/intents/{id}: the intent's state, held up to `waitSeconds` while it is pending. */
export async function getIntent(options: GetIntentOptions): Promise<IntentAnswer> {
  const base = serverBaseUrl(options.server);
  const wait = options.waitSeconds ?? 0;
  if (!Number.isSafeInteger(wait) || wait < 0 || wait > MAX_INTENT_WAIT_SECONDS) {
    throw new PteriSdkError("invalid_argument", `waitSeconds must be a whole number from 0 to ${MAX_INTENT_WAIT_SECONDS}.`);
  }
  if (typeof options.id !== "string" || !options.id) throw new PteriSdkError("invalid_argument", "The intent id is empty.");
  const url = `${base}${INTENTS_PATH}/${encodeURIComponent(options.id)}${wait > 0 ? `?wait=${wait}` : ""}`;
  const response = await signedFetchFor(options)(url, { redirect: "manual", signal: options.signal });
  if (response.status !== 200) throw await PteriServerError.fromResponse(response);
  return intentAnswer(response);
}

/** A failure worth trying again: the network, a timeout, or the server saying "not now". */
export function isTransient(error: unknown): boolean {
  if (error instanceof PteriSdkError) return false;
  if (error instanceof PteriServerError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return true; // fetch's TypeError (connection refused or reset), a per-request timeout
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The caller's signal combined with a per-request timeout. */
function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Slack beyond the long poll before a request counts as lost (a half-open connection). */
const REQUEST_SLACK_MS = 15_000;
/** Polls start at least this far apart, even when a server answers a long poll at once. */
const MIN_POLL_INTERVAL_MS = 1_000;

/**
 * Waits until the intent is decided: long polls (up to 60 s each) re-issued after every answer,
 * so it survives a restart of the server or a dropped connection, retrying transient failures
 * (network errors, timeouts, 5xx/408/429) with exponential backoff and jitter. Resolves with the
 * first answer that is not `pending`, or with the last answer (still pending) when
 * `timeoutSeconds` have passed. Rejects with the error when the last attempt before the deadline
 * failed, at once for a refusal (e.g. `not_found`), and with the signal's reason when aborted.
 */
export async function waitForDecision(options: WaitForDecisionOptions): Promise<IntentAnswer> {
  const { timeoutSeconds, signal } = options;
  if (!(timeoutSeconds >= 0)) throw new PteriSdkError("invalid_argument", "timeoutSeconds must be 0 or more (Infinity to wait until the intent is decided).");
  const { initial, max } = options.retryDelayMs ?? { initial: 250, max: 10_000 };
  const deadline = Date.now() + timeoutSeconds * 1000;
  let failures = 0;
  for (;;) {
    signal?.throwIfAborted();
    const started = Date.now();
    const remaining = deadline - started;
    const waitSeconds = Math.min(MAX_INTENT_WAIT_SECONDS, Math.max(0, Math.ceil(remaining / 1000)));
    let answer: IntentAnswer;
    try {
      answer = await getIntent({ ...options, waitSeconds, signal: withTimeout(signal, waitSeconds * 1000 + REQUEST_SLACK_MS) });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isTransient(error) || Date.now() >= deadline) throw error;
      failures += 1;
      const backoff = Math.min(max, initial * 2 ** Math.min(failures - 1, 30));
      const delayMs = Math.min(Math.round(backoff * (0.5 + Math.random() / 2)), Math.max(0, deadline - Date.now()));
      options.onRetry?.({ error, attempt: failures, delayMs });
      await sleep(delayMs, signal);
      continue;
    }
    failures = 0;
    options.onAnswer?.(answer);
    if (answer.status !== "pending" || Date.now() >= deadline) return answer;
    const early = MIN_POLL_INTERVAL_MS - (Date.now() - started);
    if (early > 0) await sleep(Math.min(early, deadline - Date.now()), signal);
  }
}
