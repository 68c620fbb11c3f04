/**
 * A throwaway Console host for operator tests: its own data directory and database, with the
 * environment set so that getDb() and the route handlers' configuration point at it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { writeTransaction } from "@/lib/db/transaction";
import { createInvitation } from "@/lib/operators/invitations";
import { completeRegistration, startRegistration } from "@/lib/operators/registration";
import type { Role } from "@/lib/operators/roles";
import { signInWithPasskey, startSignIn } from "@/lib/operators/sign-in";
import { webContext } from "@/lib/session/context";
import type { RouteHandler } from "@/lib/session/route";
import { SoftAuthenticator } from "./soft-authenticator";
import { dropTestDatabase, testDatabaseUrl } from "@/tests/helpers/database";

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
  process.env.DATABASE_URL = testDatabaseUrl(dir);
  delete (globalThis as { pteriDb?: Db }).pteriDb;
  await prepareDatabase(loadConfig());
  const db = getDb();
  return {
    dir,
    db,
    async close() {
      await db.$disconnect();
      await dropTestDatabase(dir);
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

export const ALL_ROLES: Role[] = ["admin", "editor", "approver", "auditor"];

export type CallInit = { method?: string; role?: Role; body?: unknown; params?: Record<string, string>; origin?: string | null };

export interface RoleHost {
  /** The host's database (available once the file's beforeAll has run). */
  readonly db: Db;
  /** One operator per role, named `Only <role>`, each with only that role. */
  readonly operators: Map<Role, TestOperator>;
  /** Calls a route handler as the Console's page would, signed in as `init.role` (or anonymous). */
  call(handler: RouteHandler, path: string, init?: CallInit): Promise<Response>;
}

/**
 * For a test file of Console route handlers: a throwaway host for the whole file with one
 * signed-in operator per role (created in beforeAll, closed in afterAll).
 */
export function setUpRoleHost(roles: Role[] = ALL_ROLES): RoleHost {
  let host: TestHost | undefined;
  const operators = new Map<Role, TestOperator>();
  const cookies = new Map<Role, string>();
  beforeAll(async () => {
    host = await startTestHost();
    for (const role of roles) {
      const operator = await createOperator(host.db, `Only ${role}`, [role]);
      operators.set(role, operator);
      cookies.set(role, await signInCookie(host.db, operator));
    }
  }, 60_000);
  afterAll(() => host?.close());
  return {
    get db() {
      if (!host) throw new Error("the test host is not started yet (use it inside a test or hook)");
      return host.db;
    },
    operators,
    async call(handler, path, init = {}) {
      const request = consoleRequest(path, { method: init.method ?? "GET", cookie: init.role ? cookies.get(init.role) : undefined, body: init.body, origin: init.origin });
      return handler(request, { params: Promise.resolve(init.params ?? {}) });
    },
  };
}
