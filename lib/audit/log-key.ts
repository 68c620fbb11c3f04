/**
 * The audit log's own Ed25519 key, which signs checkpoints. It is generated on first start
 * as a PKCS#8 PEM file in the data directory (mode 0600) and never leaves the host.
 *
 * Losing or replacing it changes the log's public key: checkpoints signed before stay
 * verifiable only with the old key, and verifiers pinned to it will reject new ones. So a
 * bad file stops the start with one sentence instead of being silently regenerated.
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../config/env";
import { codeOf } from "../config/data-dir";
import { parsePrivateKey } from "../protocol/key-parse";
import { privateKeyToPem, publicKeyInfo, randomSeed, type PublicKeyInfo } from "../protocol/keys";
import { noblePublicKeyFromSeed } from "../protocol/ed25519-noble";

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
  const file = logKeyPath(dataDir);
  let text: string;
  try {
    assertPrivate(file);
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (codeOf(error) !== "ENOENT") throw new ConfigError(`Cannot read the audit log key ${file} (${codeOf(error)}); check the data directory's permissions.`);
    return createLogKey(dataDir, file);
  }
  const parsed = parsePrivateKey(text);
  if (!parsed.ok) {
    throw new ConfigError(
      `The audit log key ${file} is corrupt (${parsed.reason}); restore it from a backup (a new key would change the log's public key).`,
    );
  }
  return parsed.key;
}

function createLogKey(dataDir: string, file: string): LogKey {
  const seed = randomSeed();
  try {
    // "wx": never overwrite a key another process (a second Console instance) just created.
    fs.writeFileSync(file, privateKeyToPem(seed), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if (codeOf(error) === "EEXIST") return loadOrCreateLogKey(dataDir);
    throw new ConfigError(`Cannot write the audit log key ${file} (${codeOf(error)}); check the data directory's permissions.`);
  }
  return { seed, publicKey: publicKeyInfo(noblePublicKeyFromSeed(seed)) };
}

/** A private key that other users can read is no longer private: refuse it rather than sign with it. */
function assertPrivate(file: string): void {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new ConfigError(`The audit log key ${file} is not a regular file; move it away or restore the key file.`);
  const mode = stat.mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(`The audit log key ${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 ${file}.`);
  }
}
