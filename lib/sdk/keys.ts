/**
 * Keys in the forms people actually hold them. A private key: the 32-byte
 * seed, PKCS#8 PEM text, or a private JWK (object or JSON). Public keys: JWK
 * or SPKI PEM. Parsing is lib/protocol's; this adds the raw-seed case, a
 * simple key resolver for services, and the SDK's error type.
 */
import {
  noblePublicKeyFromSeed,
  parsePrivateKey,
  parsePublicKey,
  publicKeyInfo,
  type KeyResolver,
  type PrivateKeyInfo,
  type PublicKeyInfo,
} from "../protocol";
import { PteriSdkError } from "./errors";

/** A 32-byte Ed25519 seed, PKCS#8 PEM text, or a private JWK (object or JSON text). */
export type PrivateKeyInput = Uint8Array | string | object;

/** `what` names the key in the error, e.g. the file it came from. */
export function toPrivateKey(input: PrivateKeyInput, what = "The private key"): PrivateKeyInfo {
  if (input instanceof Uint8Array) {
    if (input.length !== 32) throw new PteriSdkError("key_malformed", `${what} is not usable: an Ed25519 seed is 32 bytes, not ${input.length}.`);
    return { seed: input.slice(), publicKey: publicKeyInfo(noblePublicKeyFromSeed(input)) };
  }
  const parsed = parsePrivateKey(input);
  if (!parsed.ok) throw new PteriSdkError("key_malformed", `${what} is not a usable Ed25519 private key: ${parsed.reason}.`);
  return parsed.key;
}

/** Parses a public key (JWK object or JSON, or SPKI PEM), throwing PteriSdkError with the reason. */
export function toPublicKey(input: string | object, what = "The public key"): PublicKeyInfo {
  const parsed = parsePublicKey(input);
  if (!parsed.ok) throw new PteriSdkError("key_malformed", `${what} is not a usable Ed25519 public key: ${parsed.reason}.`);
  return parsed.key;
}

/**
 * A resolveKey for verifyIncomingRequest from a fixed list of public keys,
 * looked up by PTERI key id (each key's RFC 7638 thumbprint). For a service
 * that trusts a few known machines; anything else is `key_unknown`.
 */
export function staticKeyResolver(publicKeys: readonly (string | object)[]): KeyResolver<{ publicKey: Uint8Array; keyId: string }> {
  const byId = new Map(publicKeys.map((k) => toPublicKey(k)).map((k) => [k.keyId, { publicKey: k.raw, keyId: k.keyId }] as const));
  return (keyId) => byId.get(keyId) ?? null;
}
