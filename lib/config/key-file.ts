/**
 * Ed25519 private keys that PTERI itself holds (the audit log key, the webhook signing key):
 * a PKCS#8 PEM file in the data directory, mode 0600, generated on first use, never leaving
 * the host.
 *
 * Replacing such a key silently would break everyone who pinned its public key, so a bad
 * file stops with one sentence naming the fix instead of being regenerated.
 */
import fs from "node:fs";
import { ConfigError } from "./env";
import { codeOf, createPrivateFileOnce } from "./data-dir";
import { parsePrivateKey } from "../protocol/key-parse";
import { privateKeyToPem, publicKeyInfo, randomSeed, type PrivateKeyInfo } from "../protocol/keys";
import { noblePublicKeyFromSeed } from "../protocol/ed25519-noble";

export interface KeyFile {
  path: string;
  /** How the sentences name it, e.g. "audit log key". */
  name: string;
  /** Why a new key is no fix, e.g. "a new key would change the log's public key". */
  whyNotReplace: string;
}

/** Returns the key, creating it on first use. Throws ConfigError with the fix when the file is unusable. */
export function loadOrCreateKeyFile(key: KeyFile): PrivateKeyInfo {
  let text: string;
  try {
    assertPrivate(key);
    text = fs.readFileSync(key.path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (codeOf(error) !== "ENOENT") throw new ConfigError(`Cannot read the ${key.name} ${key.path} (${codeOf(error)}); check the data directory's permissions.`);
    return createKeyFile(key);
  }
  const parsed = parsePrivateKey(text);
  if (!parsed.ok) throw new ConfigError(`The ${key.name} ${key.path} is corrupt (${parsed.reason}); restore it from a backup (${key.whyNotReplace}).`);
  return parsed.key;
}

function createKeyFile(key: KeyFile): PrivateKeyInfo {
  const seed = randomSeed();
  let created: boolean;
  try {
    created = createPrivateFileOnce(key.path, privateKeyToPem(seed));
  } catch (error) {
    throw new ConfigError(`Cannot write the ${key.name} ${key.path} (${codeOf(error)}); check the data directory's permissions.`);
  }
  // Never overwrite a key another process (a second Console instance) just created: use it.
  if (!created) return loadOrCreateKeyFile(key);
  return { seed, publicKey: publicKeyInfo(noblePublicKeyFromSeed(seed)) };
}

/** A private key that other users can read is no longer private: refuse it rather than sign with it. */
function assertPrivate(key: KeyFile): void {
  const stat = fs.statSync(key.path);
  if (!stat.isFile()) throw new ConfigError(`The ${key.name} ${key.path} is not a regular file; move it away or restore the key file.`);
  const mode = stat.mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(`The ${key.name} ${key.path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 ${key.path}.`);
  }
}
