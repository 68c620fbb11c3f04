/**
 * The approval statement an operator signs with a passkey, its WebAuthn challenge, and the
 * offline check of an approval (docs/approvals.md). Portable: no node: imports and no
 * database, only WebCrypto, so the server, the CLI (`pteri audit verify`) and a browser all
 * check an approval the same way, and none of them has to trust PTERI's own verdict.
 *
 * The challenge is base64url(SHA-256(RFC 8785 canonical JSON of the statement)): the
 * passkey's signature over clientDataJSON (which carries the challenge) therefore commits to
 * the intent's hash, the decision, the reason, the execution window and the operator.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base64UrlEncode, constantTimeEqual, tryBase64UrlDecode, tryUtf8Decode, utf8Encode } from "../protocol/encoding";
import { canonicalJson } from "../protocol/jcs";
import type { ApprovalStatement } from "./wire";

export const APPROVAL_STATEMENT_FORMAT = "pteri.approval/v1";

/** The statement's fields, with the time as a Date (the statement carries it as ISO 8601 text). */
export type StatementInput = Omit<ApprovalStatement, "format" | "issuedAt"> & { issuedAt: Date };

export function buildStatement(input: StatementInput): ApprovalStatement {
  return {
    format: APPROVAL_STATEMENT_FORMAT,
    origin: input.origin,
    intentId: input.intentId,
    intentHash: input.intentHash,
    decision: input.decision,
    reason: input.reason,
    executionWindowSeconds: input.executionWindowSeconds,
    operatorId: input.operatorId,
    issuedAt: input.issuedAt.toISOString(),
    // At least 128 random bits, base64url: makes every challenge unique.
    nonce: input.nonce,
  };
}

/** The statement's RFC 8785 form: exactly what is hashed, and what is stored. */
export function statementText(statement: ApprovalStatement): string {
  return canonicalJson(statement);
}

/** The WebAuthn challenge for a statement: base64url(SHA-256(canonical JSON)). */
export function statementChallenge(statement: ApprovalStatement): string {
  return base64UrlEncode(sha256(utf8Encode(statementText(statement))));
}

/** The assertion fields a verifier needs (AuthenticationResponseJSON's `response`, and the credential id). */
export interface AssertionEvidence {
  id: string;
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
}

/** The passkey's public key as PTERI keeps it (Passkey.publicKeySpki, Passkey.algorithm). */
export interface PasskeyKey {
  /** DER SubjectPublicKeyInfo, base64url. */
  spki: string;
  /** COSE algorithm: -8 Ed25519, -7 ES256, -257 RS256. */
  algorithm: number;
}

export interface VerifyApprovalInput {
  statement: ApprovalStatement;
  assertion: AssertionEvidence;
  publicKey: PasskeyKey;
  /** The Console's origin the ceremony must have run on, e.g. https://pteri.example.com. */
  expectedOrigin: string;
  /** The WebAuthn relying party id (the Console's hostname). */
  expectedRpId: string;
}

export type ApprovalCheck = { ok: true } | { ok: false; reason: string };

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;

/**
 * Checks, from nothing but the inputs, that the passkey signed this statement: the challenge
 * recomputed from the statement is the one in clientDataJSON, the ceremony was a webauthn.get
 * on the expected origin for the expected relying party with the user present and verified,
 * and the signature over authenticatorData ‖ SHA-256(clientDataJSON) verifies with the key.
 */
export async function verifyApprovalAssertion(input: VerifyApprovalInput): Promise<ApprovalCheck> {
  const { statement, assertion, publicKey } = input;
  let challenge: string;
  try {
    challenge = statementChallenge(statement);
  } catch {
    return fail("the statement is not plain JSON");
  }
  if (statement.origin !== input.expectedOrigin) return fail("the statement names another origin");
  const clientDataBytes = tryBase64UrlDecode(assertion.response?.clientDataJSON);
  const authData = tryBase64UrlDecode(assertion.response?.authenticatorData);
  const signature = tryBase64UrlDecode(assertion.response?.signature);
  if (!clientDataBytes || !authData || !signature) return fail("the assertion is not base64url");
  const clientData = parseClientData(clientDataBytes);
  if (!clientData) return fail("clientDataJSON is not a JSON object");
  if (clientData.type !== "webauthn.get") return fail("clientDataJSON is not an assertion (type webauthn.get)");
  if (clientData.challenge !== challenge) return fail("the assertion signs another challenge than this statement's");
  if (clientData.origin !== input.expectedOrigin) return fail("the assertion was made on another origin");
  if (clientData.crossOrigin === true) return fail("the assertion was made in a cross-origin frame");
  if (authData.length < 37) return fail("authenticatorData is too short");
  if (!constantTimeEqual(authData.slice(0, 32), sha256(utf8Encode(input.expectedRpId)))) return fail("the assertion is for another relying party (rpIdHash)");
  const flags = authData[32]!;
  if (!(flags & FLAG_USER_PRESENT)) return fail("the user was not present (UP flag)");
  if (!(flags & FLAG_USER_VERIFIED)) return fail("the user was not verified (UV flag)");
  const signed = new Uint8Array(authData.length + 32);
  signed.set(authData);
  signed.set(sha256(clientDataBytes), authData.length);
  const valid = await verifySignature(publicKey, signature, signed);
  return valid ? { ok: true } : fail("the signature does not verify with the passkey's public key");
}

function fail(reason: string): ApprovalCheck {
  return { ok: false, reason };
}

function parseClientData(bytes: Uint8Array): Record<string, unknown> | null {
  const text = tryUtf8Decode(bytes);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function verifySignature(key: PasskeyKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const spki = tryBase64UrlDecode(key.spki);
  if (!spki) return false;
  const subtle = globalThis.crypto.subtle;
  const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
  try {
    if (key.algorithm === -8) {
      const k = await subtle.importKey("spki", buf(spki), { name: "Ed25519" }, false, ["verify"]);
      return await subtle.verify({ name: "Ed25519" }, k, buf(signature), buf(data));
    }
    if (key.algorithm === -7) {
      // WebAuthn ECDSA signatures are DER; WebCrypto wants r ‖ s.
      const raw = ecdsaDerToRaw(signature, 32);
      if (!raw) return false;
      const k = await subtle.importKey("spki", buf(spki), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      return await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k, buf(raw), buf(data));
    }
    if (key.algorithm === -257) {
      const k = await subtle.importKey("spki", buf(spki), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
      return await subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, k, buf(signature), buf(data));
    }
    return false;
  } catch {
    return false;
  }
}

/** SEQUENCE { INTEGER r, INTEGER s } (short-form lengths: always so for P-256) to r ‖ s. */
function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(size * 2);
  let at = 2;
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1]!;
    let value = der.slice(at + 2, at + 2 + len);
    if (value.length !== len || len === 0) return null;
    while (value.length > size && value[0] === 0) value = value.slice(1);
    if (value.length > size) return null;
    out.set(value, part * size + (size - value.length));
    at += 2 + len;
  }
  return at === der.length ? out : null;
}
