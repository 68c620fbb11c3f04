/**
 * A throwaway Console host for operator tests: its own data directory and database, with the
 * environment set so that getDb() and the route handlers' configuration point at it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { loadConfig } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { writeTransaction } from "@/lib/db/transaction";
import { createInvitation } from "@/lib/operators/invitations";
import { completeRegistration, startRegistration } from "@/lib/operators/registration";
import type { Role } from "@/lib/operators/roles";
import { signInWithPasskey, startSignIn } from "@/lib/operators/sign-in";
import { webContext } from "@/lib/session/context";
import { SoftAuthenticator } from "./soft-authenticator";

export const ORIGIN = "http://localhost:3999";
export const CLIENT = { ip: "203.0.113.7", userAgent: "vitest" };

export interface TestHost {
  dir: string;
  db: Db;
  close(): Promise<void>;
}

export async function startTestHost(): Promise<TestHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-operators-"));
  process.env.PTERI_DATA_DIR = dir;
  process.env.PTERI_PUBLIC_URL = ORIGIN;
  process.env.DATABASE_URL = "";
  delete (globalThis as { pteriDb?: Db }).pteriDb;
  await prepareDatabase(loadConfig());
  const db = getDb();
  return {
    dir,
    db,
    async close() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestOperator {
  id: string;
  name: string;
  authenticator: SoftAuthenticator;
}

/** Invites (as the host) and registers an operator through the real ceremony. */
export async function createOperator(db: Db, name: string, roles: Role[], algorithm: "Ed25519" | "P-256" = "Ed25519"): Promise<TestOperator> {
  const { token } = await writeTransaction(db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles, expiresInMinutes: 60 }));
  const authenticator = new SoftAuthenticator(ORIGIN, algorithm);
  const { rp } = webContext();
  const { options } = await startRegistration(db, rp, { token, name }, CLIENT);
  const created = await completeRegistration(db, rp, { token, name, passkeyName: `${name}'s key`, response: authenticator.register(options) }, CLIENT);
  return { id: created.operatorId, name, authenticator };
}

/** Signs in through the real ceremony and returns the session cookie a browser would get. */
export async function signInCookie(db: Db, operator: TestOperator): Promise<string> {
  const { rp, sessionSecret, sessionCookie } = webContext();
  const options = await startSignIn(db, rp, CLIENT);
  const signedIn = await signInWithPasskey(db, rp, operator.authenticator.assert(options), CLIENT);
  const jwt = await encode({ token: { sub: signedIn.operatorId, sid: signedIn.sessionId, sv: signedIn.sessionVersion }, secret: sessionSecret });
  return `${sessionCookie}=${jwt}`;
}

/** A request as the Console's own page would send it. */
export function consoleRequest(pathname: string, init: { method?: string; cookie?: string; body?: unknown; origin?: string | null } = {}): Request {
  const headers = new Headers({ "x-forwarded-for": CLIENT.ip });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.origin !== null) headers.set("origin", init.origin ?? ORIGIN);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(new URL(pathname, ORIGIN), { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

export async function countRows(db: Db) {
  const [operators, passkeys, invitations, sessions, audit, teams] = await Promise.all([
    db.operator.count(),
    db.passkey.count(),
    db.invitation.count({ where: { OR: [{ usedAt: { not: null } }, { revokedAt: { not: null } }] } }),
    db.operatorSession.count(),
    db.auditEntry.count(),
    db.team.count(),
  ]);
  return { operators, passkeys, usedOrRevokedInvitations: invitations, sessions, audit, teams };
}
