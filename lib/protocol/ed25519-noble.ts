/**
 * Portable Ed25519 back end on @noble/ed25519 (browser, SDK, CLI, tests).
 *
 * Verification uses `{ zip215: false }`: noble's default follows ZIP-215
 * (consensus rules that accept non-canonical point encodings and small-order
 * keys). PTERI wants strict RFC 8032 semantics so that a signature has one
 * valid encoding and both back ends agree on every Wycheproof vector.
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import type { Ed25519Backend } from "./ed25519";

// noble v3 ships without a synchronous SHA-512; wiring @noble/hashes enables
// the sync API (no WebCrypto round trip per signature).
if (!ed.hashes.sha512) ed.hashes.sha512 = sha512;

const STRICT = { zip215: false } as const;

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new TypeError("Ed25519 private key seed must be 32 bytes");
  }
}

/** Synchronous strict verification; never throws. */
export function nobleVerifySync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(message instanceof Uint8Array)) return false;
  try {
    return ed.verify(signature, message, publicKey, STRICT);
  } catch {
    return false;
  }
}

/** Synchronous public key derivation (portable; used by key parsing). */
export function noblePublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed.getPublicKey(seed);
}

export const nobleEd25519: Ed25519Backend = {
  name: "noble",
  async publicKeyFromSeed(seed) {
    return noblePublicKeyFromSeed(seed);
  },
  async sign(seed, message) {
    checkSeed(seed);
    return ed.sign(message, seed);
  },
  async verify(publicKey, message, signature) {
    return nobleVerifySync(publicKey, message, signature);
  },
};
