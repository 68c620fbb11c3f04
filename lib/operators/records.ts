/**
 * What the operator domain returns: plain records with exactly the fields that may leave the
 * server (no user handles, no session ids, no token hashes).
 */
import type { Db, Tx } from "../db/client";
import { ALGORITHM_NAMES, isSupportedAlgorithm } from "../webauthn/relying-party";
import { parseRoles, type Role } from "./roles";

export interface PasskeyRecord {
  id: string;
  name: string;
  credentialId: string;
  algorithm: number;
  algorithmName: string;
  transports: string[];
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface OperatorRecord {
  id: string;
  name: string;
  roles: Role[];
  status: "active" | "disabled";
  createdAt: Date;
  passkeys: PasskeyRecord[];
  teams: { id: string; name: string }[];
}

type PasskeyRow = NonNullable<Awaited<ReturnType<Tx["passkey"]["findUnique"]>>>;

export function toPasskeyRecord(row: PasskeyRow): PasskeyRecord {
  let transports: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.transports);
    if (Array.isArray(parsed)) transports = parsed.filter((t): t is string => typeof t === "string");
  } catch {
    // Stored by this code as JSON; a bad value only loses a hint.
  }
  return {
    id: row.id,
    name: row.name,
    credentialId: row.credentialId,
    algorithm: row.algorithm,
    algorithmName: isSupportedAlgorithm(row.algorithm) ? ALGORITHM_NAMES[row.algorithm] : String(row.algorithm),
    transports,
    backedUp: row.backedUp,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}

const withRelations = {
  passkeys: { where: { removedAt: null }, orderBy: { createdAt: "asc" as const } },
  memberships: { include: { team: { select: { id: true, name: true } } } },
};

type OperatorRow = NonNullable<Awaited<ReturnType<typeof findOperatorRow>>>;

function findOperatorRow(db: Db | Tx, id: string) {
  return db.operator.findUnique({ where: { id }, include: withRelations });
}

function toOperatorRecord(row: OperatorRow): OperatorRecord {
  return {
    id: row.id,
    name: row.name,
    roles: parseRoles(row.roles),
    status: row.status === "active" ? "active" : "disabled",
    createdAt: row.createdAt,
    passkeys: row.passkeys.map(toPasskeyRecord),
    teams: row.memberships.map((m) => ({ id: m.team.id, name: m.team.name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function listOperators(db: Db | Tx): Promise<OperatorRecord[]> {
  const rows = await db.operator.findMany({ include: withRelations, orderBy: [{ status: "asc" }, { name: "asc" }] });
  return rows.map(toOperatorRecord);
}

export async function getOperator(db: Db | Tx, id: string): Promise<OperatorRecord | null> {
  const row = await findOperatorRow(db, id);
  return row ? toOperatorRecord(row) : null;
}
