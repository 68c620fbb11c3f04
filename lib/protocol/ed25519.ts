/**
 * One Ed25519 interface, two back ends: `node:crypto` on the server's hot path
 * (about 12x faster, see ENVIRONMENT.md) and `@noble/ed25519` for the browser
 * and any portable code. Both must agree on every test vector.
 *
 * Keys are raw bytes: a 32-byte public key (RFC 8032 encoding) and a 32-byte
 * private seed. Callers never hand a back end anything but raw bytes, so the
 * back ends stay interchangeable.
 */
export interface Ed25519Backend {
  readonly name: "node" | "noble";
  /** 32-byte seed -> 32-byte public key. */
  publicKeyFromSeed(seed: Uint8Array): Promise<Uint8Array>;
  sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** Never throws: malformed keys or signatures verify as false. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}
