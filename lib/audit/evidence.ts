/**
 * Reading the signed material a `machine.request` entry keeps (written by lib/auth/evidence.ts)
 * for the offline check. Portable (server, CLI, browser): a verifier re-checks the machine's
 * Ed25519 signature over the exact RFC 9421 signature base the server verified, with the
 * key whose thumbprint is the keyid.
 */
import type { MachineRequestEvidence } from "../auth/evidence";
import { tryBase64Decode, utf8Encode } from "../protocol/encoding";

export const MACHINE_REQUEST = "machine.request";

export type ParsedMachineSignature = { ok: true; keyId: string; message: Uint8Array; signature: Uint8Array } | { ok: false; reason: string };

/**
 * Structural checks before any cryptography: the members exist, the signature decodes to
 * 64 bytes, and the base's own `@signature-params` line names the same keyid, so the key
 * the evidence points at is the one the machine declared in what it signed.
 */
export function parseMachineSignature(evidence: unknown): ParsedMachineSignature {
  if (typeof evidence !== "object" || evidence === null) return { ok: false, reason: "evidence is not an object" };
  const { keyId, signatureBase, signature } = evidence as { [K in keyof MachineRequestEvidence]?: unknown };
  if (typeof keyId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(keyId)) return { ok: false, reason: "evidence has no valid keyId" };
  if (typeof signatureBase !== "string") return { ok: false, reason: "evidence has no signature base" };
  const sig = tryBase64Decode(signature);
  if (!sig || sig.length !== 64) return { ok: false, reason: "evidence signature is not base64 of 64 bytes" };
  const params = signatureBase.slice(signatureBase.lastIndexOf("\n") + 1);
  // keyid is an sf-string: a quote inside another parameter's value is escaped, so this
  // exact text can only be the keyid parameter itself.
  if (!params.startsWith('"@signature-params": ') || !params.includes(`;keyid="${keyId}"`)) {
    return { ok: false, reason: "the signature base does not name this keyid" };
  }
  return { ok: true, keyId, message: utf8Encode(signatureBase), signature: sig };
}
