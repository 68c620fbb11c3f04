/**
 * The verifier's key lookup.
 *
 * What may be remembered and what may not: a keyid is the RFC 7638 thumbprint of its public
 * key, so the key material behind a keyid can never change, and remembering it is safe. A
 * machine's status (and name, tags) can change at any moment, on any instance, so it is
 * never taken from memory for a decision:
 *
 *  - `machineKeyLookup(db)` reads the Machine row on every call (status included). This is
 *    the authoritative lookup; request authentication uses it whenever a request is refused.
 *  - `machineKeyLookup(db, { remembered: true })` answers from an in-process map of keyids
 *    last seen active, without a query. It serves only the happy path: a request verified
 *    with a remembered key is committed by lib/auth/request-commit.ts, whose write
 *    transaction reads the Machine row again (by keyid, under the write lock) and refuses
 *    the request when the machine is no longer active; and a request that fails any later
 *    check is decided again with the authoritative lookup, so its answer is exactly the one
 *    the checks in order give with the database's current record (a revoked key gets
 *    `key_revoked`, not `signature_invalid`). Either way the status is read from the
 *    database for every request, and a revocation applies to the very next one everywhere.
 *
 * Only the parsed KeyObject is cached inside nodeEd25519 (keyed by the key bytes), and that
 * cache knows nothing about status either.
 */
import type { Tx } from "../db/client";
import { findMachineByKeyId, findRetiredKeyIds } from "../machines/repository";
import type { Machine } from "../machines/model";
import { tryBase64UrlDecode } from "../protocol/encoding";
import { isKeyId } from "../protocol/keys";
import type { KeyRejection, ResolvedKey } from "../protocol/httpsig/verify";

export type MachineKey = ResolvedKey & { machine: Machine };

export interface MachineKeyLookup {
  resolveKey(keyId: string): Promise<MachineKey | KeyRejection | null>;
  /** The machine the keyid named, whatever its status; null before or without a lookup. */
  readonly found: Machine | null;
  /** True when the key came from memory, not from a query (a remembered lookup only). */
  readonly remembered: boolean;
}

type Reader = Pick<Tx, "machine" | "$queryRaw">;

/** Most keyids remembered per database client (least recently used forgotten first). */
export const REMEMBERED_KEYS_LIMIT = 10_000;

// Per client: two clients in one process (tests, a second "instance") may name different
// databases, and a keyid remembered from one must not answer for the other.
const rememberedKeys = new WeakMap<Reader, Map<string, { machine: Machine; publicKey: Uint8Array }>>();

function rememberedFor(db: Reader): Map<string, { machine: Machine; publicKey: Uint8Array }> {
  let map = rememberedKeys.get(db);
  if (!map) {
    map = new Map();
    rememberedKeys.set(db, map);
  }
  return map;
}

/** Forgets a keyid, when the database said its machine is no longer active. */
export function forgetMachineKey(db: Reader, keyId: string): void {
  rememberedKeys.get(db)?.delete(keyId);
}

export function machineKeyLookup(db: Reader, options: { remembered?: boolean } = {}): MachineKeyLookup {
  let found: Machine | null = null;
  let remembered = false;
  return {
    get found() {
      return found;
    },
    get remembered() {
      return remembered;
    },
    async resolveKey(keyId) {
      // A keyid that cannot be a thumbprint cannot be enrolled: no query for it.
      if (!isKeyId(keyId)) return null;
      const keys = rememberedFor(db);
      if (options.remembered) {
        const hit = keys.get(keyId);
        if (hit) {
          keys.delete(keyId); // re-insert: Map order is the LRU order
          keys.set(keyId, hit);
          found = hit.machine;
          remembered = true;
          return { publicKey: hit.publicKey, status: "active", machine: hit.machine };
        }
      }
      const machine = await findMachineByKeyId(db, keyId);
      if (!machine) {
        keys.delete(keyId);
        // A key the machine changed away from (pteri rekey) is revoked, not unknown.
        return (await findRetiredKeyIds(db, [keyId])).has(keyId) ? { status: "revoked" } : null;
      }
      found = machine;
      // The key was fully validated (curve point, small order) when it was registered.
      const publicKey = tryBase64UrlDecode(machine.publicJwk.x);
      if (!publicKey) return null;
      if (machine.status === "pending" && machine.activation === "proof") {
        // A registered key proves possession with its first signed request: usable, never
        // remembered (the commit transaction activates it, or refuses it if that changed).
        return { publicKey, status: "active", machine };
      }
      if (machine.status !== "active") {
        keys.delete(keyId);
        if (machine.status === "revoked" || machine.status === "suspended") return { status: machine.status };
        return null; // awaiting an operator's confirmation: not usable yet (key_pending)
      }
      if (keys.size >= REMEMBERED_KEYS_LIMIT) {
        const oldest = keys.keys().next().value;
        if (oldest !== undefined) keys.delete(oldest);
      }
      keys.set(keyId, { machine, publicKey });
      return { publicKey, status: "active", machine };
    },
  };
}
