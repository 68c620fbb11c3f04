/**
 * Enrollment and key change, the machine's side (wire formats: lib/machines/wire.ts).
 *
 * enrollMachine: POST /api/v1/enroll with {ticket, publicKey}, signed with the key being
 * enrolled. The signature covers the target URI (binds the server) and the Content-Digest of
 * the body (binds the ticket and the public key), and its keyid is the key's thumbprint.
 *
 * rekeyMachine: POST /api/v1/machine/rekey signed with the CURRENT key; the body carries the
 * new public key and a proof, the new key's signature over keyChangeMessage(statement): both
 * keys agree to the change, for this server only.
 *
 * Portable: no node: imports (the default back end is @noble/ed25519; Node callers pass
 * nodeEd25519). A server that says no is a PteriServerError carrying its problem `code`.
 */
import { fingerprint, nobleEd25519, tryUtf8Decode, type Ed25519Backend } from "../protocol";
import {
  encodeProof,
  ENROLL_PATH,
  isTicketShaped,
  keyChangeMessage,
  keyChangeStatement,
  REKEY_PATH,
  TICKET_PREFIX,
  type EnrollRequestBody,
  type RekeyRequestBody,
} from "../machines/wire";
import { jsonBody } from "./body";
import { PteriSdkError } from "./errors";
import { toPrivateKey, type PrivateKeyInput } from "./keys";
import { createSignedFetch } from "./signed-fetch";

/** What the server answered when it said no: the RFC 9457 problem's `code` and `detail`. */
export class PteriServerError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The problem's `code` (e.g. `ticket_invalid`), or `http_<status>` / `response_invalid` when the server gave none. */
  readonly code: string;
  /** The problem's `detail`, or a description of the answer. */
  readonly detail: string;
  /** The parsed answer, when it was JSON. */
  readonly problem: unknown;
  constructor(status: number, code: string, detail: string, problem: unknown = null) {
    super(`${code}: ${detail}`);
    this.name = "PteriServerError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.problem = problem;
  }

  /** From an error answer (problem+json or not); reads the body. */
  static async fromResponse(response: Response): Promise<PteriServerError> {
    const text = tryUtf8Decode(new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)))) ?? "";
    const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    let problem: unknown = null;
    try {
      problem = JSON.parse(text) as unknown;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is.
    }
    const p = (problem ?? {}) as { code?: unknown; type?: unknown; detail?: unknown; title?: unknown };
    const code = typeof p.code === "string" && p.code ? p.code : `http_${response.status}`;
    const detail = typeof p.detail === "string" && p.detail ? p.detail : typeof p.title === "string" && p.title ? p.title : statusLine;
    return new PteriServerError(response.status, code, detail, problem);
  }
}

/**
 * The Console's base URL from what the user typed: an http(s) URL without credentials, query
 * or fragment, with its path prefix if it has one (a trailing "/" is dropped). Requests go to
 * base + /api/v1/…; the key-change statement names the base URL's origin.
 */
export function serverBaseUrl(server: string | URL): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new PteriSdkError("invalid_argument", `The server must be the Console's URL, like https://pteri.example.com, not ${JSON.stringify(String(server).slice(0, 200))}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PteriSdkError("invalid_argument", `The server URL must start with https:// (or http://), not ${JSON.stringify(url.protocol)}.`);
  }
  if (url.username || url.password) throw new PteriSdkError("invalid_argument", "The server URL must not contain a user name or password.");
  if (url.search || url.hash) {
    throw new PteriSdkError("invalid_argument", `The server URL must be the Console's address (PTERI_PUBLIC_URL), like ${url.origin}, without a query or fragment.`);
  }
  // A path prefix (a Console behind a proxy at https://example.com/pteri) is kept.
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** What the server reports about a machine (MachineView's summary). */
export type MachineSummary = { id: string; name: string; keyId: string; fingerprint: string; status: string; tags: string[] };

type Common = {
  /** The Console's URL (PTERI_PUBLIC_URL), e.g. https://pteri.example.com. */
  server: string | URL;
  /** The underlying fetch; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Ed25519 back end; default @noble/ed25519 (Node callers pass nodeEd25519). */
  backend?: Ed25519Backend;
  signal?: AbortSignal;
};

export type EnrollOptions = Common & {
  /** The one-time enrollment ticket (pteri_et_...). */
  ticket: string;
  /** The key to enroll: 32-byte seed, PKCS#8 PEM or private JWK. */
  key: PrivateKeyInput;
};

export type EnrollResult = {
  machineId: string;
  keyId: string;
  /** Computed here from the key, for comparing with the Console's. */
  fingerprint: string;
  /** "pending" until an operator confirms the fingerprint, or "active". */
  status: string;
  confirmationRequired: boolean;
  machine: MachineSummary;
};

export type RekeyOptions = Common & {
  /** The machine's current key (signs the request). */
  key: PrivateKeyInput;
  /** The key that replaces it (signs the proof). */
  newKey: PrivateKeyInput;
};

export type RekeyResult = {
  machineId: string;
  oldKeyId: string;
  newKeyId: string;
  /** Fingerprint of the new key, computed here. */
  fingerprint: string;
  status: string;
  machine: MachineSummary;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A 2xx answer's JSON with the machine summary, or a PteriServerError (status kept: the change may have happened). */
async function machineAnswer(response: Response, expectedKeyId: string): Promise<{ body: Record<string, unknown>; machine: MachineSummary }> {
  const invalid = (why: string) => new PteriServerError(response.status, "response_invalid", `The server accepted the request but its answer ${why}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw invalid("is not JSON");
  }
  const machine = isRecord(body) ? body.machine : undefined;
  if (!isRecord(body) || !isRecord(machine) || typeof machine.id !== "string" || typeof machine.status !== "string") {
    throw invalid("has no machine");
  }
  if (machine.keyId !== expectedKeyId) {
    throw invalid(`names key ${JSON.stringify(String(machine.keyId).slice(0, 60))}, not this key ${expectedKeyId}`);
  }
  const summary: MachineSummary = {
    id: machine.id,
    name: typeof machine.name === "string" ? machine.name : "",
    keyId: expectedKeyId,
    fingerprint: typeof machine.fingerprint === "string" ? machine.fingerprint : fingerprint(expectedKeyId),
    status: machine.status,
    tags: Array.isArray(machine.tags) ? machine.tags.filter((t): t is string => typeof t === "string") : [],
  };
  return { body, machine: summary };
}

async function post(options: Common, key: PrivateKeyInput, path: string, body: unknown): Promise<Response> {
  const base = serverBaseUrl(options.server);
  const signedFetch = createSignedFetch({ key, backend: options.backend ?? nobleEd25519, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const response = await signedFetch(`${base}${path}`, jsonBody(body, { method: "POST", redirect: "manual", signal: options.signal }));
  if (response.status < 200 || response.status > 299) throw await PteriServerError.fromResponse(response);
  return response;
}

/**
 * Enrolls `key` with the server using a one-time ticket. The ticket's shape is checked before
 * anything is sent. Throws PteriSdkError for a malformed ticket, key or server URL, and
 * PteriServerError when the server refuses (e.g. code `ticket_invalid`, `key_already_enrolled`).
 */
export async function enrollMachine(options: EnrollOptions): Promise<EnrollResult> {
  if (!isTicketShaped(options.ticket)) {
    throw new PteriSdkError("invalid_argument", `This is not an enrollment ticket: tickets are "${TICKET_PREFIX}" followed by 43 characters; copy it again from the Console.`);
  }
  serverBaseUrl(options.server);
  const key = toPrivateKey(options.key);
  const { keyId, jwk } = key.publicKey;
  const body: EnrollRequestBody = { ticket: options.ticket, publicKey: jwk };
  const response = await post(options, key.seed, ENROLL_PATH, body);
  const { body: answer, machine } = await machineAnswer(response, keyId);
  return {
    machineId: machine.id,
    keyId,
    fingerprint: fingerprint(keyId),
    status: machine.status,
    confirmationRequired: answer.confirmationRequired === true,
    machine,
  };
}

/**
 * Replaces the machine's key: signs the request with `key` (the current one) and proves
 * possession of `newKey` with a signature over the key-change statement for this server.
 * On success the server has revoked the old key. Throws PteriServerError when refused
 * (e.g. `proof_invalid`, `key_already_enrolled`, `key_revoked`).
 */
export async function rekeyMachine(options: RekeyOptions): Promise<RekeyResult> {
  const base = serverBaseUrl(options.server);
  const current = toPrivateKey(options.key, "The current key");
  const next = toPrivateKey(options.newKey, "The new key");
  const oldKeyId = current.publicKey.keyId;
  const newKeyId = next.publicKey.keyId;
  if (oldKeyId === newKeyId) throw new PteriSdkError("invalid_argument", "The new key is the current key; a key change needs a different key.");
  const backend = options.backend ?? nobleEd25519;
  const signature = await backend.sign(next.seed, keyChangeMessage(keyChangeStatement(base, oldKeyId, newKeyId)));
  const body: RekeyRequestBody = { publicKey: next.publicKey.jwk, proof: encodeProof(signature) };
  const response = await post({ ...options, backend }, current.seed, REKEY_PATH, body);
  const { machine } = await machineAnswer(response, newKeyId);
  return { machineId: machine.id, oldKeyId, newKeyId, fingerprint: fingerprint(newKeyId), status: machine.status, machine };
}
