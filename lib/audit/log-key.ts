/**
 * The audit log's own Ed25519 key, which signs checkpoints: a PKCS#8 PEM file in the data
 * directory (mode 0600), generated on first start, never leaving the host
 * (lib/config/key-file.ts).
 *
 * Losing or replacing it changes the log's public key: checkpoints signed before stay
 * verifiable only with the old key, and verifiers pinned to it will reject new ones. So a
 * bad file stops the start with one sentence instead of being silently regenerated.
 */
import path from "node:path";
import { loadOrCreateKeyFile } from "../config/key-file";
import type { PublicKeyInfo } from "../protocol/keys";

export const LOG_KEY_FILE = "audit-log-key.pem";

export interface LogKey {
  /** 32-byte Ed25519 private seed. */
  seed: Uint8Array;
  publicKey: PublicKeyInfo;
}

export function logKeyPath(dataDir: string): string {
  return path.join(dataDir, LOG_KEY_FILE);
}

/** Returns the log key, creating it on first use. Throws ConfigError with the fix when the file is unusable. */
export function loadOrCreateLogKey(dataDir: string): LogKey {
  return loadOrCreateKeyFile({ path: logKeyPath(dataDir), name: "audit log key", whyNotReplace: "a new key would change the log's public key" });
}
