/**
 * The machine record as the rest of PTERI sees it: stored JSON columns parsed, closed sets
 * narrowed, and the display fingerprint derived (never stored, so it cannot disagree with
 * the key id).
 */
import type { AuditActor } from "../audit/entry";
import type { Machine as MachineRow } from "../db/generated/client";
import { fingerprint, type PublicJwk } from "../protocol/keys";
import { isMachinePermission, type MachinePermission } from "./wire";

export const MACHINE_STATUSES = ["pending", "active", "suspended", "revoked"] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/**
 * What activates a pending machine. confirm: an operator compares the fingerprint the
 * machine printed with the Console's. proof: an operator registered a key the machine holds
 * elsewhere (hardware or cloud key store); its first correctly signed request proves
 * possession, or an operator confirms.
 */
export type MachineActivation = "confirm" | "proof";

export interface Machine {
  id: string;
  name: string;
  description: string;
  /** RFC 7638 JWK thumbprint: the `keyid` the machine signs with now. */
  keyId: string;
  /** `SHA256:xxxx xxxx xxxx xxxx`, for people comparing keys. */
  fingerprint: string;
  publicJwk: PublicJwk;
  status: MachineStatus;
  statusReason: string | null;
  /** Only while pending. */
  activation: MachineActivation | null;
  tags: string[];
  owner: string;
  environment: string;
  permissions: MachinePermission[];
  /** With intents.verify: the audiences (resource service base URLs) whose intents it may verify. */
  verifyAudiences: string[];
  enrolledBy: AuditActor;
  ticketId: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  lastSeenAt: Date | null;
}

function parseStatus(value: string): MachineStatus {
  // A value outside the closed set (a hand-edited row) must never read as "active".
  return (MACHINE_STATUSES as readonly string[]).includes(value) ? (value as MachineStatus) : "suspended";
}

function parseStringArray(value: string): string[] {
  try {
    const items: unknown = JSON.parse(value);
    return Array.isArray(items) ? items.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

const ACTOR_TYPES = new Set(["machine", "operator", "host", "system"]);

export function machineFromRow(row: MachineRow): Machine {
  const status = parseStatus(row.status);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    keyId: row.keyId,
    fingerprint: fingerprint(row.keyId),
    publicJwk: JSON.parse(row.publicJwk) as PublicJwk,
    status,
    statusReason: row.statusReason,
    activation: status === "pending" && row.activation === "proof" ? "proof" : status === "pending" ? "confirm" : null,
    tags: parseStringArray(row.tags),
    owner: row.owner,
    environment: row.environment,
    // Unknown names (from a newer version, or hand-edited) grant nothing.
    permissions: parseStringArray(row.permissions).filter(isMachinePermission),
    verifyAudiences: parseStringArray(row.verifyAudiences),
    enrolledBy: { type: ACTOR_TYPES.has(row.enrolledByType) ? (row.enrolledByType as AuditActor["type"]) : "system", id: row.enrolledById },
    ticketId: row.ticketId,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    lastSeenAt: row.lastSeenAt,
  };
}

/** What a machine may learn about itself (GET /api/v1/whoami) and what machine APIs answer. */
export function machineSummary(machine: Machine) {
  const { id, name, keyId, fingerprint: fp, status, tags, permissions } = machine;
  return { id, name, keyId, fingerprint: fp, status, tags, permissions };
}

export function machineHasPermission(machine: Machine, permission: MachinePermission): boolean {
  return machine.status === "active" && machine.permissions.includes(permission);
}
