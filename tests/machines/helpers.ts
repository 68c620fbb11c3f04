/**
 * Small additions for the machines tests, built on the shared auth helpers (tests/auth/helpers.ts):
 * enrollment tickets, the enrollment request a machine signs, row counts that must not move
 * when something is refused, and reading a thrown MachineError's code.
 */
import { afterAll, beforeAll } from "vitest";
import type { Prisma } from "@/lib/db/generated/client";
import { entryFromRow } from "@/lib/audit/rows";
import type { AuditActor } from "@/lib/audit/entry";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { MachineError } from "@/lib/machines/errors";
import { createEnrollmentTicket, type NewTicketInput } from "@/lib/machines/tickets";
import { ENROLL_PATH } from "@/lib/machines/wire";
import type { GeneratedKeyPair } from "@/lib/protocol/keys";
import { freshDb, NOW_MS, PUBLIC_URL, signedRequest, type SignedRequest, type SignedRequestOptions, type TestDb } from "../auth/helpers";
import { rejectionOf } from "../helpers/rejection";

export const OPERATOR: AuditActor = { type: "operator", id: "op-test" };

/** A ticket created at `now` (default: the fixed test clock), as an operator would. */
export async function newTicket(db: Db, input: Partial<NewTicketInput> = {}, now = new Date(NOW_MS), actor: AuditActor = OPERATOR) {
  return writeTransaction(db, (tx) => createEnrollmentTicket(tx, actor, { name: "enrolled-box", ...input }, now));
}

export function enrollBody(ticket: unknown, publicKey: unknown): string {
  return JSON.stringify({ ticket, publicKey });
}

/**
 * The enrollment request a machine sends: POST {ticket, publicKey} to /api/v1/enroll, signed
 * with `key` (keyid = its thumbprint unless overridden), body bound by Content-Digest.
 */
export function enrollRequest(
  key: GeneratedKeyPair,
  ticket: unknown,
  opts: { publicKey?: unknown; base?: string; body?: string } & Omit<SignedRequestOptions, "body"> = {},
): Promise<SignedRequest> {
  const { publicKey, base, body, ...rest } = opts;
  const bodyKey = "publicKey" in opts ? publicKey : key.publicKey.jwk;
  return signedRequest(key, {
    url: `${base ?? PUBLIC_URL}${ENROLL_PATH}`,
    method: "POST",
    body: body ?? enrollBody(ticket, bodyKey),
    ...rest,
  });
}

/** Everything a refused enrollment, lifecycle change or re-key must leave as it was. */
export async function snapshot(db: Db) {
  const [machines, audit, nonces, tickets, retired] = await Promise.all([
    db.machine.findMany({ orderBy: { id: "asc" } }),
    db.auditEntry.count(),
    db.nonceUse.count(),
    db.enrollmentTicket.findMany({ orderBy: { id: "asc" } }),
    db.retiredKey.count(),
  ]);
  return { machines, audit, nonces, tickets, retired };
}

/** The MachineError code a promise rejects with (fails the test if it resolves or throws anything else). */
export async function machineErrorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await rejectionOf(promise, MachineError);
  return { code: error.code, message: error.message };
}

export async function entriesOf(db: Db, where: Prisma.AuditEntryWhereInput = {}) {
  const rows = await db.auditEntry.findMany({ where, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow);
}

export interface SharedDb {
  readonly db: Db;
  readonly config: TestDb["config"];
  /** Another client on the same database: a second Console instance. */
  readonly second: Db;
}

/** A fresh database for the whole test file (created in beforeAll, removed in afterAll), with a second client on it. */
export function setUpFreshDb(): SharedDb {
  let t: TestDb | undefined;
  let second: Db | undefined;
  beforeAll(async () => {
    t = await freshDb();
    second = t.openSecondClient();
  });
  afterAll(() => t?.close());
  const started = () => {
    if (!t || !second) throw new Error("the test database is not created yet (use it inside a test or hook)");
    return { t, second };
  };
  return {
    get db() {
      return started().t.db;
    },
    get config() {
      return started().t.config;
    },
    get second() {
      return started().second;
    },
  };
}
