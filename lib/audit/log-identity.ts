/**
 * Who the log is, for verifiers: its checkpoint origin (the C2SP log name), its signing key,
 * and the verifier key string ("vkey") that pins both.
 *
 * The origin is derived from PTERI_PUBLIC_URL once and then stored (Setting `audit.origin`):
 * it is signed into every checkpoint and names the vkey, so changing the URL later must not
 * change the log's name, or every verifier that pinned the vkey would reject new checkpoints.
 */
import type { Config } from "../config/env";
import type { Tx } from "../db/client";
import { formatVkey, type NoteSigner } from "./note";
import type { PublicJwk } from "../protocol/keys";
import { loadOrCreateLogKey } from "./log-key";

export const ORIGIN_SETTING = "audit.origin";

export interface LogIdentity {
  origin: string;
  /** C2SP note verifier key: "<origin>+<key hash>+<base64 key>". */
  vkey: string;
  /** RFC 7638 thumbprint of the public key (PTERI's key id convention). */
  keyId: string;
  publicJwk: PublicJwk;
  publicKey: Uint8Array;
  /** Server-side only: holds the private seed. */
  signer: NoteSigner;
}

type SettingsDb = Pick<Tx, "setting">;

/**
 * `<host>[<path>]/audit` of the public URL, e.g. `localhost:3000/audit`. Note key names
 * may not contain "+" (the URL parser already percent-encodes spaces), so it is encoded.
 */
export function defaultOrigin(publicUrl: URL): string {
  const path = publicUrl.pathname === "/" ? "" : publicUrl.pathname;
  return `${publicUrl.host}${path}/audit`.replace(/\+/g, "%2B");
}

/** The stored origin, storing the default on first use. Safe against concurrent first uses. */
export async function logOrigin(db: SettingsDb, publicUrl: URL): Promise<string> {
  const found = await db.setting.findUnique({ where: { key: ORIGIN_SETTING } });
  if (found) return found.value;
  try {
    await db.setting.create({ data: { key: ORIGIN_SETTING, value: defaultOrigin(publicUrl) } });
  } catch (error) {
    // Another instance stored it first (unique key): theirs wins, read it below.
    if (!(await db.setting.findUnique({ where: { key: ORIGIN_SETTING } }))) throw error;
  }
  return (await db.setting.findUniqueOrThrow({ where: { key: ORIGIN_SETTING } })).value;
}

// The origin never changes once stored and the key file only at a restart, so one lookup
// per process (per data directory, for tests that use several) is enough.
const cache = new Map<string, Promise<LogIdentity>>();

export function getLogIdentity(db: SettingsDb, config: Pick<Config, "dataDir" | "publicUrl" | "databaseUrl">): Promise<LogIdentity> {
  const id = `${config.dataDir}\n${config.databaseUrl}`;
  let identity = cache.get(id);
  if (!identity) {
    identity = loadIdentity(db, config);
    cache.set(id, identity);
    identity.catch(() => cache.delete(id)); // a failure (e.g. a bad key file) is retried next time
  }
  return identity;
}

async function loadIdentity(db: SettingsDb, config: Pick<Config, "dataDir" | "publicUrl">): Promise<LogIdentity> {
  const key = loadOrCreateLogKey(config.dataDir);
  const origin = await logOrigin(db, config.publicUrl);
  return {
    origin,
    vkey: formatVkey({ name: origin, publicKey: key.publicKey.raw }),
    keyId: key.publicKey.keyId,
    publicJwk: key.publicKey.jwk,
    publicKey: key.publicKey.raw,
    signer: { name: origin, seed: key.seed, publicKey: key.publicKey.raw },
  };
}
