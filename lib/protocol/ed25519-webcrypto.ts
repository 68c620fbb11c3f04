/**
 * Ed25519 verification through WebCrypto (`crypto.subtle`), for bulk verification such as
 * `pteri audit verify`. Node runs subtle.verify on libuv's thread pool, so with many checks in
 * flight (the verifier's SignatureQueue) signatures are verified on other cores while the
 * main thread parses and hashes entries: on this 2-core machine, when it was otherwise idle,
 * about 1.7x the synchronous node:crypto rate. Node's WebCrypto is OpenSSL, the same strict
 * RFC 8032 check as nodeEd25519.
 *
 * Portable: where the platform has no Ed25519 in WebCrypto (older browsers), verification
 * falls back to the given back end; signing is always delegated to it.
 */
import type { Ed25519Backend } from "./ed25519";
import { base64Encode } from "./encoding";

const CACHE_LIMIT = 1024;

export function webCryptoVerifier(fallback: Ed25519Backend): Ed25519Backend {
  const subtle = globalThis.crypto?.subtle;
  // Importing a key costs about one verification: keep the few machine keys of an export.
  const keys = new Map<string, Promise<CryptoKey | null>>();
  let unsupported = !subtle;

  const importKey = (publicKey: Uint8Array): Promise<CryptoKey | null> => {
    const id = base64Encode(publicKey);
    let key = keys.get(id);
    if (!key) {
      if (keys.size >= CACHE_LIMIT) keys.clear();
      key = subtle!.importKey("raw", publicKey.slice(), { name: "Ed25519" }, false, ["verify"]).catch((error: unknown) => {
        // A platform without Ed25519 says NotSupportedError; a malformed key is just invalid.
        if (error instanceof Error && error.name === "NotSupportedError") unsupported = true;
        return null;
      });
      keys.set(id, key);
    }
    return key;
  };

  return {
    name: fallback.name,
    publicKeyFromSeed: (seed) => fallback.publicKeyFromSeed(seed),
    sign: (seed, message) => fallback.sign(seed, message),
    async verify(publicKey, message, signature) {
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
      if (!(signature instanceof Uint8Array) || signature.length !== 64 || !(message instanceof Uint8Array)) return false;
      if (unsupported) return fallback.verify(publicKey, message, signature);
      const key = await importKey(publicKey);
      if (!key) return unsupported ? fallback.verify(publicKey, message, signature) : false;
      try {
        return await subtle!.verify({ name: "Ed25519" }, key, signature.slice(), message.slice());
      } catch {
        return false;
      }
    },
  };
}
