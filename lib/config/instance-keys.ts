/**
 * The key files every Console instance on one database must share: the audit log key (signs
 * checkpoints), the webhook signing key (signs deliveries) and the session secret (signs session
 * cookies). An instance started with a fresh data directory, or one host after a database
 * restore without its key files, would otherwise create new ones silently: checkpoints that
 * pinned verifiers reject, webhooks that receivers reject, sessions the other instances reject.
 *
 * So the database records the files' fingerprints (Setting `host.keys`) on its first start, and
 * every later start compares and refuses a difference with the fix. The fingerprints reveal
 * nothing secret: the keys' public key ids (RFC 7638 thumbprints) and the SHA-256 of the session
 * secret (32 random bytes). `npm run admin -- adopt-keys` records a data directory's keys as the
 * database's when a key is truly lost.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { loadOrCreateLogKey, LOG_KEY_FILE } from "../audit/log-key";
import { recordAuditEvent } from "../audit/log";
import type { Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { loadOrCreateWebhookKey, WEBHOOK_KEY_FILE } from "../webhooks/signing-key";
import { loadOrCreateSecret } from "./data-dir";
import { ConfigError } from "./env";

export const HOST_KEYS_SETTING = "host.keys";
export const SESSION_SECRET_FILE = "session.secret";
export const KEY_FILES = [LOG_KEY_FILE, WEBHOOK_KEY_FILE, SESSION_SECRET_FILE] as const;
export type KeyFileName = (typeof KEY_FILES)[number];

/** Each key file's fingerprint, by file name: what the Setting row holds (as JSON). */
export type KeyFingerprints = Record<KeyFileName, string>;

type SettingsDb = Pick<Tx, "setting">;

export const KEYS_DIFFER_FIX =
  "copy audit-log-key.pem, webhook-signing-key.pem and session.secret from an instance already serving this database (docs/deployment.md#several-console-instances-on-postgresql); " +
  "if the key is truly lost, `npm run admin -- adopt-keys` makes this directory's keys the database's (docs/deployment.md#custody-of-the-log-key)";

/** The fingerprints of the data directory's key files (creating any that is missing, as a start does). */
export function dataDirKeyFingerprints(dataDir: string): KeyFingerprints {
  return {
    [LOG_KEY_FILE]: loadOrCreateLogKey(dataDir).publicKey.keyId,
    [WEBHOOK_KEY_FILE]: loadOrCreateWebhookKey(dataDir).publicKey.keyId,
    [SESSION_SECRET_FILE]: createHash("sha256").update(loadOrCreateSecret(dataDir, "session")).digest("hex"),
  };
}

/**
 * At start: records the data directory's fingerprints when the database has none yet (its first
 * start), otherwise throws a ConfigError naming every key file that differs from the recorded one.
 */
export async function checkInstanceKeys(db: SettingsDb, dataDir: string): Promise<void> {
  const mine = dataDirKeyFingerprints(dataDir);
  const recorded = await recordOnce(db, mine);
  const differing = differingFiles(recorded, mine);
  if (differing.length > 0) throw new ConfigError(keysDifferMessage(dataDir, differing));
}

/** The recorded fingerprints, storing `mine` first if there are none. Safe against instances starting together. */
async function recordOnce(db: SettingsDb, mine: KeyFingerprints): Promise<KeyFingerprints> {
  const found = await readRecorded(db);
  if (found) return found;
  try {
    await db.setting.create({ data: { key: HOST_KEYS_SETTING, value: JSON.stringify(mine) } });
    return mine;
  } catch (error) {
    // Another instance recorded its keys a moment ago (unique key): compare with theirs.
    const theirs = await readRecorded(db);
    if (!theirs) throw error;
    return theirs;
  }
}

async function readRecorded(db: SettingsDb): Promise<KeyFingerprints | null> {
  const row = await db.setting.findUnique({ where: { key: HOST_KEYS_SETTING } });
  if (!row) return null;
  const parsed = parseFingerprints(row.value);
  if (!parsed) {
    throw new ConfigError(
      `The database's record of its key files (setting ${HOST_KEYS_SETTING}) is unreadable; \`npm run admin -- adopt-keys\` records this directory's keys as the database's (docs/deployment.md#custody-of-the-log-key).`,
    );
  }
  return parsed;
}

function parseFingerprints(value: string): KeyFingerprints | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== "object") return undefined;
  const record = json as Record<string, unknown>;
  return KEY_FILES.every((file) => typeof record[file] === "string") ? (record as KeyFingerprints) : undefined;
}

function differingFiles(recorded: KeyFingerprints | null, mine: KeyFingerprints): KeyFileName[] {
  return KEY_FILES.filter((file) => recorded?.[file] !== mine[file]);
}

function keysDifferMessage(dataDir: string, files: KeyFileName[]): string {
  const paths = files.map((file) => path.join(dataDir, file));
  const list = paths.length === 1 ? paths[0] : `${paths.slice(0, -1).join(", ")} and ${paths.at(-1)}`;
  const subject = files.length === 1 ? `The key file ${list} differs from the one` : `The key files ${list} differ from the ones`;
  return `${subject} this database records; ${KEYS_DIFFER_FIX}.`;
}

export interface KeyAdoption {
  /** What the database recorded before (null: nothing, or an unreadable record). */
  previous: KeyFingerprints | null;
  adopted: KeyFingerprints;
  /** The files whose fingerprints changed; empty when the database already recorded these keys. */
  changed: KeyFileName[];
}

/**
 * `npm run admin -- adopt-keys`: makes `fingerprints` the database's, with an audit entry naming
 * the previous and new fingerprints (never the secrets). Nothing is written when they already are.
 */
export async function adoptKeyFingerprints(tx: WriteTx, fingerprints: KeyFingerprints): Promise<KeyAdoption> {
  const row = await tx.setting.findUnique({ where: { key: HOST_KEYS_SETTING } });
  const previous = row ? (parseFingerprints(row.value) ?? null) : null;
  const changed = differingFiles(previous, fingerprints);
  if (changed.length === 0) return { previous, adopted: fingerprints, changed };
  const value = JSON.stringify(fingerprints);
  await tx.setting.upsert({ where: { key: HOST_KEYS_SETTING }, create: { key: HOST_KEYS_SETTING, value }, update: { value } });
  await recordAuditEvent(tx, {
    type: "host.keys_adopted",
    actor: { type: "host", id: "adopt-keys" },
    summary: `The database now expects this host's key files (changed: ${changed.join(", ")}).`,
    evidence: { previous, adopted: fingerprints, changed },
  });
  return { previous, adopted: fingerprints, changed };
}
