/**
 * Authenticating a machine's signed request, for route handlers under /api/v1/. The checks
 * run in the order the product brief fixes, cheapest refusals first:
 *
 *  1. sizes: Signature fields over 8 KiB (refused by the protocol parser before any work)
 *     and bodies over 1 MiB (413, by Content-Length or while reading);
 *  2. parse, key lookup (the key must be active), time window, signature: verifyRequest with
 *     PTERI_SIGNATURE_RULES, the server clock and node:crypto, on a target URI rebuilt from
 *     PTERI_PUBLIC_URL;
 *  3. Content-Digest against the bytes received;
 *  4. single use of (keyid, nonce), then identity: the Machine row (re-read under the write
 *     lock: it must still be active), the nonce claim, the `machine.request` audit entry and
 *     (at most once a minute) lastSeenAt commit in ONE write transaction, after every check
 *     passed (lib/auth/request-commit.ts; requests arriving together share that transaction,
 *     each with its own claim, entry and verdict). A forged signature or a tampered body
 *     therefore never burns the nonce of the honest request, and an accepted request always
 *     has its evidence in the log. There is no separate nonce read before: the claim is the
 *     check.
 *
 * The machine's status is read from the database for every request: in the commit
 * transaction when the request is accepted, or right before answering when it is refused.
 * Only the key material (immutable: the keyid is its thumbprint) may come from memory for
 * step 2; see lib/auth/machine-keys.ts for why the answers stay exactly those of the checks in
 * order against the current Machine row.
 *
 * Failures answer RFC 9457 problem+json (lib/auth/problems.ts) and are counted per minute,
 * not logged one by one (lib/auth/failures.ts). Hostile input never makes this throw; a
 * database outage answers 503.
 */
import type { Machine } from "../machines/model";
import { checkSignedContentDigest } from "../protocol/httpsig/digest-check";
import { acceptableUntil, PTERI_SIGNATURE_RULES, type VerifyPolicy } from "../protocol/httpsig/policy";
import type { SignableRequest } from "../protocol/httpsig/message";
import { verifyRequest, type KeyResolver, type ResolvedKey, type VerifySuccess } from "../protocol/httpsig/verify";
import { readBoundedBody } from "./body";
import { defaultDeps, type AuthDeps } from "./deps";
import { machineRequestEvidence } from "./evidence";
import { recordAuthFailure } from "./failures";
import { MAX_SIGNATURE_HEADER_BYTES } from "./limits";
import { forgetMachineKey, machineKeyLookup, type MachineKey, type MachineKeyLookup } from "./machine-keys";
import { maybeRunAuthMaintenance } from "./maintenance";
import { authProblemResponse, type AuthProblemCode } from "./problems";
import { commitAcceptedRequest } from "./request-commit";
import { rebuildTargetUri } from "./target";

export type AuthSuccess = { ok: true; machine: Machine; keyId: string; body: Uint8Array; auditSeq: number };
export type AuthFailure = { ok: false; code: AuthProblemCode; response: Response };
export type AuthResult = AuthSuccess | AuthFailure;

type Refused = { ok: false; code: Exclude<AuthProblemCode, "auth_unavailable">; message?: string; keyId: string };

const EMPTY = new Uint8Array(0);

/** The verifier's nonce hook: the real check is the claim in the final transaction. */
const CLAIMED_AT_COMMIT = () => true;

export async function authenticateMachineRequest(request: Request, deps: AuthDeps = defaultDeps()): Promise<AuthResult> {
  const nowMs = deps.now();
  try {
    await maybeRunAuthMaintenance(deps.db, nowMs);
    const outcome = await authenticate(request, deps, nowMs);
    if (outcome.ok) return outcome;
    await recordAuthFailure(deps.db, { code: outcome.code, keyId: outcome.keyId, at: new Date(nowMs) }).catch((error: unknown) => {
      logOutage("could not count a failed authentication", error);
    });
    return { ok: false, code: outcome.code, response: authProblemResponse(outcome.code, outcome.message) };
  } catch (error) {
    // Hostile input cannot get here (the verifier returns verdicts); only our own storage can.
    logOutage("request authentication unavailable", error);
    return { ok: false, code: "auth_unavailable", response: authProblemResponse("auth_unavailable") };
  }
}

function logOutage(what: string, error: unknown): void {
  // One line for the operator's log: the error's name, code and first message line, no stack.
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  const parts = [e?.name, e?.code, typeof e?.message === "string" ? e.message.split("\n")[0] : undefined];
  console.error(`pteri: ${what}: ${parts.filter((p) => typeof p === "string" && p !== "").join(": ") || String(error)}`);
}

/** Unsigned or oversized signature fields: refused by the verifier's parser without the body. */
function refusedWithoutBody(headers: Headers): boolean {
  const input = headers.get("signature-input");
  const signature = headers.get("signature");
  return input === null || signature === null || input.length > MAX_SIGNATURE_HEADER_BYTES || signature.length > MAX_SIGNATURE_HEADER_BYTES;
}

/** A signed request read and ready to verify: its bounded body and rebuilt target URI. */
export interface SignedMessage {
  message: SignableRequest;
  body: Uint8Array;
  targetUri: string;
  policy: VerifyPolicy;
}

type Refusal = { ok: false; code: Exclude<AuthProblemCode, "auth_unavailable">; message?: string };

/**
 * Steps 1 and the start of 2, shared by every signed endpoint (authentication here, and
 * enrollment, whose key comes from the body): the body within its limit (not even read when
 * the signature fields are absent or oversized) and the target URI from PTERI_PUBLIC_URL.
 */
export async function readSignedMessage(request: Request, deps: Pick<AuthDeps, "config" | "maxBodyBytes">, nowMs: number): Promise<({ ok: true } & SignedMessage) | Refusal> {
  let body: Uint8Array = EMPTY;
  if (!refusedWithoutBody(request.headers)) {
    const read = await readBoundedBody(request, deps.maxBodyBytes);
    if (!read.ok) return { ok: false, code: read.code, message: read.message };
    body = read.body;
  }
  const targetUri = rebuildTargetUri(deps.config.publicUrl, request.url);
  if (targetUri === null) return { ok: false, code: "signature_malformed", message: "The request target could not be read." };
  // No nonce read here: the nonce is claimed in the final transaction, once the digest matched
  // too, and that claim (the database's primary key) is the single-use check.
  const policy: VerifyPolicy = { ...PTERI_SIGNATURE_RULES, now: () => nowMs / 1000, checkNonce: CLAIMED_AT_COMMIT };
  return { ok: true, message: { method: request.method, targetUri, headers: request.headers, body }, body, targetUri, policy };
}

/** Signature (with the caller's key lookup), then the Content-Digest against the bytes received. */
export async function verifySignedMessage<K extends ResolvedKey>(
  signed: SignedMessage,
  resolveKey: KeyResolver<K>,
  backend: AuthDeps["backend"],
): Promise<VerifySuccess<K> | Refusal> {
  const verified = await verifyRequest<K>(signed.message, { policy: signed.policy, resolveKey, backend });
  if (!verified.ok) return { ok: false, code: verified.code, message: verified.message };
  const digest = checkSignedContentDigest({ headers: signed.message.headers }, signed.body, verified.components);
  if (!digest.ok) return { ok: false, code: digest.code, message: digest.message };
  return verified;
}

async function authenticate(request: Request, deps: AuthDeps, nowMs: number): Promise<AuthSuccess | Refused> {
  const { db } = deps;
  const now = new Date(nowMs);
  const signed = await readSignedMessage(request, deps, nowMs);
  if (!signed.ok) return { ...signed, keyId: "" };
  const { body, targetUri, policy } = signed;

  const check = async (lookup: MachineKeyLookup): Promise<VerifySuccess<MachineKey> | Refused> => {
    const verified = await verifySignedMessage(signed, lookup.resolveKey, deps.backend);
    const enrolledKeyId = lookup.found?.keyId ?? "";
    if (verified.ok) return verified;
    // A pending machine's key is not usable yet; say so rather than "unknown key".
    if (verified.code === "key_unknown" && lookup.found?.status === "pending") return { ok: false, code: "key_pending", keyId: enrolledKeyId };
    return { ...verified, keyId: enrolledKeyId };
  };

  // The key from memory when this instance saw it active before (lib/auth/machine-keys.ts);
  // its status is then read in the commit transaction. A refusal is decided again with the
  // Machine row read now, so its answer is the one the checks in order give for the
  // database's current record (a revoked key is key_revoked, whatever else is wrong).
  const lookup = machineKeyLookup(db, { remembered: true });
  let verified = await check(lookup);
  if (!verified.ok && lookup.remembered) verified = await check(machineKeyLookup(db));
  if (!verified.ok) return verified;

  const path = new URL(targetUri).pathname;
  const evidence = machineRequestEvidence(request, targetUri, verified, verified.key.machine.publicJwk);
  const committed = await commitAcceptedRequest(db, {
    keyId: verified.keyId,
    nonce: verified.params.nonce as string, // required by PTERI_SIGNATURE_RULES
    nonceExpiresAt: new Date(acceptableUntil(verified.params, policy) * 1000),
    now,
    entry: (machine) => ({
      type: "machine.request",
      actor: { type: "machine", id: verified.keyId },
      subjects: { machine: machine.id },
      summary: `Machine "${machine.name}" sent a signed ${request.method} ${path}.`,
      evidence: { ...evidence },
    }),
  });
  if (!committed.ok) {
    if (committed.code !== "replayed") forgetMachineKey(db, verified.keyId);
    return { ok: false, code: committed.code, keyId: committed.machine?.keyId ?? "" };
  }
  return { ok: true, machine: committed.machine, keyId: verified.keyId, body, auditSeq: committed.auditSeq };
}
