/**
 * PTERI's webhook signing key: a separate Ed25519 key from the audit log's (a leak or a
 * rotation of one must not touch the other), kept like it in the data directory
 * (lib/config/key-file.ts) and published at /.well-known/pteri-webhook-key for receivers
 * to pin.
 */
import path from "node:path";
import { loadOrCreateKeyFile } from "../config/key-file";
import { fingerprint, type PrivateKeyInfo } from "../protocol/keys";
import { WEBHOOK_SIGNATURE_TAG, type WebhookKeyDocument } from "./wire";

export const WEBHOOK_KEY_FILE = "webhook-signing-key.pem";

export function webhookKeyPath(dataDir: string): string {
  return path.join(dataDir, WEBHOOK_KEY_FILE);
}

// The file changes only while the server is stopped: one read per process and directory.
const cache = new Map<string, PrivateKeyInfo>();

/** The key, creating it on first use. Throws ConfigError with the fix when the file is unusable. */
export function loadOrCreateWebhookKey(dataDir: string): PrivateKeyInfo {
  let key = cache.get(dataDir);
  if (!key) {
    key = loadOrCreateKeyFile({ path: webhookKeyPath(dataDir), name: "webhook signing key", whyNotReplace: "a new key would break every receiver that pinned this one" });
    cache.set(dataDir, key);
  }
  return key;
}

export function webhookKeyDocument(key: PrivateKeyInfo): WebhookKeyDocument {
  return { keyId: key.publicKey.keyId, fingerprint: fingerprint(key.publicKey.keyId), publicJwk: key.publicKey.jwk, alg: "ed25519", tag: WEBHOOK_SIGNATURE_TAG };
}
