/**
 * Single use of (keyid, nonce) for one process. A resource service that runs
 * several instances needs a shared store instead (any object with the same
 * checkNonce method, e.g. backed by its database or Redis).
 *
 * Bounded on purpose: when the store is full of still-live nonces it throws
 * instead of evicting, because evicting a live nonce would re-open a replay
 * window. A full store means more traffic than `maxEntries` per signature
 * lifetime (about 330 s); raise the bound or use a shared store.
 */
import { PteriSdkError } from "./errors";

export interface NonceStore {
  /** Records the pair; false if it was already seen. `expiresAt` (seconds): when it may be forgotten. */
  checkNonce(keyId: string, nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

export type MemoryNonceStoreOptions = {
  /** Default 100,000 live nonces (about 300 requests per second sustained). */
  maxEntries?: number;
  /** Clock in seconds; default Date.now() / 1000. */
  now?: () => number;
};

export type MemoryNonceStore = NonceStore & { readonly size: number; purgeExpired(): void };

/** A full scan is cheap (a few ms per 100k entries) and runs at most this often, or when full. */
const PURGE_INTERVAL_SECONDS = 60;

export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new PteriSdkError("invalid_argument", "maxEntries must be a positive integer.");
  const now = options.now ?? (() => Date.now() / 1000);
  const seen = new Map<string, number>(); // "keyId\nnonce" -> expiresAt; a structured-field string cannot contain LF
  let nextPurge = 0;

  function purgeExpired(): void {
    const t = now();
    for (const [k, expiresAt] of seen) if (expiresAt < t) seen.delete(k);
    nextPurge = t + PURGE_INTERVAL_SECONDS;
  }

  return {
    get size() {
      return seen.size;
    },
    purgeExpired,
    checkNonce(keyId, nonce, expiresAt) {
      if (now() >= nextPurge || seen.size >= maxEntries) purgeExpired();
      const k = `${keyId}\n${nonce}`;
      const previous = seen.get(k);
      if (previous !== undefined && previous >= now()) return false;
      if (previous === undefined && seen.size >= maxEntries) {
        throw new PteriSdkError("nonce_store_full", `The in-memory nonce store holds ${maxEntries} live nonces; raise maxEntries or use a shared nonce store.`);
      }
      seen.set(k, expiresAt);
      return true;
    },
  };
}
