/**
 * The machine record as the rest of PTERI sees it: stored JSON columns parsed, the status
 * narrowed to its closed set, and the display fingerprint derived (never stored, so it
 * cannot disagree with the key id).
 */
import type { Machine as MachineRow } from "../db/generated/client";
import { fingerprint, type PublicJwk } from "../protocol/keys";

export const MACHINE_STATUSES = ["pending", "active", "suspended", "revoked"] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

export interface Machine {
  id: string;
  name: string;
  description: string;
  /** RFC 7638 JWK thumbprint: the `keyid` the machine signs with. */
  keyId: string;
  /** `SHA256:xxxx xxxx xxxx xxxx`, for people comparing keys. */
  fingerprint: string;
  publicJwk: PublicJwk;
  status: MachineStatus;
  statusReason: string | null;
  tags: string[];
  createdAt: Date;
  lastSeenAt: Date | null;
}

function parseStatus(value: string): MachineStatus {
  // A value outside the closed set (a hand-edited row) must never read as "active".
  return (MACHINE_STATUSES as readonly string[]).includes(value) ? (value as MachineStatus) : "suspended";
}

function parseTags(value: string): string[] {
  try {
    const tags: unknown = JSON.parse(value);
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export function machineFromRow(row: MachineRow): Machine {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    keyId: row.keyId,
    fingerprint: fingerprint(row.keyId),
    publicJwk: JSON.parse(row.publicJwk) as PublicJwk,
    status: parseStatus(row.status),
    statusReason: row.statusReason,
    tags: parseTags(row.tags),
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
  };
}

/** What a machine may learn about itself (GET /api/v1/whoami) and what lists show. */
export function machineSummary(machine: Machine) {
  const { id, name, keyId, fingerprint: fp, status, tags } = machine;
  return { id, name, keyId, fingerprint: fp, status, tags };
}
