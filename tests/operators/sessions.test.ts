import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { completeAddPasskey, startAddPasskey } from "@/lib/operators/account-passkeys";
import { setOperatorRoles, setOperatorStatus } from "@/lib/operators/management";
import { removePasskey } from "@/lib/operators/passkeys";
import { endSession, isSessionClaims } from "@/lib/operators/sessions";
import { sessionFromRequest } from "@/lib/session/authenticate";
import { webContext } from "@/lib/session/context";
import { consoleRequest, createOperator, signInCookie, startTestHost, type TestHost, type TestOperator } from "./helpers/host";
import { SoftAuthenticator } from "./helpers/soft-authenticator";

let host: TestHost;
let admin: TestOperator;
beforeAll(async () => {
  host = await startTestHost();
  admin = await createOperator(host.db, "Admin", ["admin"]);
});
afterAll(() => host.close());

const actor = () => ({ type: "operator" as const, id: admin.id });
const whoIs = async (cookie: string) => (await sessionFromRequest(consoleRequest("/api/account", { cookie }))).operator?.id ?? null;

describe("sessions end on the server, immediately", () => {
  it("a valid session cookie identifies the operator; a tampered or foreign one does not", async () => {
    const cookie = await signInCookie(host.db, admin);
    expect(await whoIs(cookie)).toBe(admin.id);
    expect(await whoIs(cookie.slice(0, -4) + "AAAA")).toBeNull();
    expect(await whoIs(`${webContext().sessionCookie}=not-a-jwt`)).toBeNull();
  });

  it("disabling an operator ends their sessions; enabling does not bring them back", async () => {
    const bob = await createOperator(host.db, "Bob", ["approver"]);
    const cookie = await signInCookie(host.db, bob);
    expect(await whoIs(cookie)).toBe(bob.id);
    await writeTransaction(host.db, (tx) => setOperatorStatus(tx, actor(), bob.id, "disabled"));
    expect(await whoIs(cookie)).toBeNull();
    await expect(signInCookie(host.db, bob)).rejects.toMatchObject({ code: "operator_disabled" });
    await writeTransaction(host.db, (tx) => setOperatorStatus(tx, actor(), bob.id, "active"));
    expect(await whoIs(cookie)).toBeNull();
    expect(await whoIs(await signInCookie(host.db, bob))).toBe(bob.id);
  });

  it("removing a role ends sessions; adding one keeps them, and the new role applies at once", async () => {
    const carol = await createOperator(host.db, "Carol", ["editor", "approver"]);
    const cookie = await signInCookie(host.db, carol);
    await writeTransaction(host.db, (tx) => setOperatorRoles(tx, actor(), carol.id, ["editor", "approver", "auditor"]));
    const session = await sessionFromRequest(consoleRequest("/", { cookie }));
    expect(session.operator?.roles).toEqual(["editor", "approver", "auditor"]);
    await writeTransaction(host.db, (tx) => setOperatorRoles(tx, actor(), carol.id, ["editor"]));
    expect(await whoIs(cookie)).toBeNull();
  });

  it("removing the passkey that signed in ends that session only", async () => {
    const dan = await createOperator(host.db, "Dan", ["auditor"]);
    const viaFirst = await signInCookie(host.db, dan);
    const second = new SoftAuthenticator(dan.authenticator.origin);
    second.userHandle = dan.authenticator.userHandle;
    // Register a second passkey directly (the account ceremony is covered by the e2e tests).
    const current = (await sessionFromRequest(consoleRequest("/", { cookie: viaFirst }))).operator!;
    const options = await startAddPasskey(host.db, webContext().rp, current, { ip: "x", userAgent: "" });
    await completeAddPasskey(host.db, webContext().rp, current, { name: "second", response: second.register(options) });
    const viaSecond = await signInCookie(host.db, { ...dan, authenticator: second });
    const firstKey = await host.db.passkey.findUniqueOrThrow({ where: { credentialId: dan.authenticator.id } });
    await writeTransaction(host.db, (tx) => removePasskey(tx, { type: "operator", id: dan.id }, dan.id, firstKey.id));
    expect(await whoIs(viaFirst)).toBeNull();
    expect(await whoIs(viaSecond)).toBe(dan.id);
    // The public key stays for offline verification of what it signed.
    expect(await host.db.passkey.findUniqueOrThrow({ where: { id: firstKey.id } })).toMatchObject({ removedAt: expect.any(Date), publicKeySpki: firstKey.publicKeySpki });
    // And the last passkey cannot go.
    const secondKey = await host.db.passkey.findUniqueOrThrow({ where: { credentialId: second.id } });
    await expect(writeTransaction(host.db, (tx) => removePasskey(tx, { type: "operator", id: dan.id }, dan.id, secondKey.id))).rejects.toMatchObject({ code: "last_passkey" });
  });

  it("sign-out revokes the session and records it once", async () => {
    const cookie = await signInCookie(host.db, admin);
    const claims = await decode({ token: cookie.split("=")[1], secret: webContext().sessionSecret });
    expect(isSessionClaims(claims)).toBe(true);
    if (!isSessionClaims(claims)) return;
    expect(await endSession(host.db, claims)).toBe(true);
    expect(await endSession(host.db, claims)).toBe(false);
    expect(await whoIs(cookie)).toBeNull();
    expect(await host.db.auditEntry.count({ where: { type: "operator.signed_out", actorId: admin.id } })).toBe(1);
  });

  it("a session expires after its absolute lifetime even if the cookie were still accepted", async () => {
    const cookie = await signInCookie(host.db, admin);
    await host.db.operatorSession.updateMany({ where: { operatorId: admin.id, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await whoIs(cookie)).toBeNull();
  });
});
