import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { createDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { testDatabaseKind } from "@/tests/helpers/database";
import { createInvitation, revokeInvitation } from "@/lib/operators/invitations";
import { completeRegistration, startRegistration } from "@/lib/operators/registration";
import { issueSetupLinkIfNoOperator } from "@/lib/operators/setup-link";
import { webContext } from "@/lib/session/context";
import { CLIENT, countRows, createOperator, ORIGIN, startTestHost, type TestHost } from "./helpers/host";
import { SoftAuthenticator } from "./helpers/soft-authenticator";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host.close());

const tokenOf = (url: string) => new URL(url).hash.replace("#token=", "");

/** Registers with a token; returns the error code, or "ok". */
async function tryRegister(token: string, authenticator = new SoftAuthenticator(ORIGIN), client = CLIENT): Promise<string> {
  const { rp } = webContext();
  try {
    const { options } = await startRegistration(host.db, rp, { token, name: "Mallory" }, client);
    await completeRegistration(host.db, rp, { token, name: "Mallory", passkeyName: "key", response: authenticator.register(options) }, client);
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("the first administrator's setup link", () => {
  it("is issued only while no operator exists, and each new one revokes the previous", async () => {
    const first = await issueSetupLinkIfNoOperator(host.db, new URL(ORIGIN), { type: "host", id: "test" });
    const second = await issueSetupLinkIfNoOperator(host.db, new URL(ORIGIN), { type: "host", id: "test" });
    expect(first?.url).toMatch(/^http:\/\/localhost:3999\/setup#token=[A-Za-z0-9_-]{43}$/);
    expect(await tryRegister(tokenOf(first!.url))).toBe("token_revoked");

    const before = await countRows(host.db);
    expect(await tryRegister(tokenOf(second!.url))).toBe("ok");
    const after = await countRows(host.db);
    expect(after.operators).toBe(before.operators + 1);
    const admin = await host.db.operator.findFirstOrThrow();
    expect(admin.roles).toBe('["admin"]');

    expect(await issueSetupLinkIfNoOperator(host.db, new URL(ORIGIN), { type: "host", id: "test" })).toBeNull();
  });

  it("an unused setup link stops working once an operator exists (for example via invite-operator)", async () => {
    // As if issued before the first operator registered through an invitation instead.
    const { token } = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "setup", roles: ["admin"], expiresInMinutes: 30 }));
    const before = await countRows(host.db);
    expect(await tryRegister(token)).toBe("setup_closed");
    expect(await countRows(host.db)).toEqual(before);
  });

  it("stores only the token's hash", async () => {
    const link = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["auditor"], expiresInMinutes: 60 }));
    const row = await host.db.invitation.findUniqueOrThrow({ where: { id: link.invitation.id } });
    expect(JSON.stringify(row)).not.toContain(link.token);
    const audit = await host.db.auditEntry.findMany();
    expect(audit.map((e) => e.evidence + e.summary).join("")).not.toContain(link.token);
  });
});

describe("invitation tokens", () => {
  it("a reused, expired, revoked or forged token is refused and changes nothing", async () => {
    const used = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["editor"], expiresInMinutes: 60 }));
    expect(await tryRegister(used.token)).toBe("ok");
    const past = new Date(Date.now() - 2 * 60 * 60_000);
    const expired = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["editor"], expiresInMinutes: 60 }, past));
    const revoked = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["admin"], expiresInMinutes: 60 }));
    await writeTransaction(host.db, (tx) => revokeInvitation(tx, { type: "host", id: "test" }, revoked.invitation.id));

    const other = { ip: "198.51.100.1", userAgent: "vitest" };
    const before = await countRows(host.db);
    expect(await tryRegister(used.token, undefined, other)).toBe("token_used");
    expect(await tryRegister(expired.token, undefined, other)).toBe("token_expired");
    expect(await tryRegister(revoked.token, undefined, other)).toBe("token_revoked");
    expect(await tryRegister("A".repeat(43), undefined, other)).toBe("token_invalid");
    expect(await tryRegister(used.token.slice(0, 20), undefined, other)).toBe("token_invalid");
    expect(await countRows(host.db)).toEqual(before);
  });

  it("is used exactly once even when two registrations race (on PostgreSQL, from two instances' connection pools)", async () => {
    // A second client is a second Console instance. On SQLite, two clients in one process would
    // wait on each other's file lock; there the race runs on one client.
    const other = testDatabaseKind === "postgresql" ? createDb(loadConfig().databaseUrl) : host.db;
    const { token } = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["approver"], expiresInMinutes: 60 }));
    const { rp } = webContext();
    const a = new SoftAuthenticator(ORIGIN);
    const b = new SoftAuthenticator(ORIGIN, "P-256");
    const [optA, optB] = await Promise.all([startRegistration(host.db, rp, { token, name: "A" }, CLIENT), startRegistration(host.db, rp, { token, name: "B" }, CLIENT)]);
    const before = await countRows(host.db);
    const results = await Promise.allSettled([
      completeRegistration(host.db, rp, { token, name: "A", passkeyName: "a", response: a.register(optA.options) }, CLIENT),
      completeRegistration(other, rp, { token, name: "B", passkeyName: "b", response: b.register(optB.options) }, CLIENT),
    ]);
    if (other !== host.db) await other.$disconnect();
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "token_used" } });
    const after = await countRows(host.db);
    expect(after.operators).toBe(before.operators + 1);
    expect(after.passkeys).toBe(before.passkeys + 1);
  });

  it("refuses a registration answered for another origin, or with another invitation's challenge", async () => {
    const { rp } = webContext();
    const one = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["auditor"], expiresInMinutes: 60 }));
    const two = await writeTransaction(host.db, (tx) => createInvitation(tx, { type: "host", id: "test" }, { kind: "invite", roles: ["admin"], expiresInMinutes: 60 }));
    const authenticator = new SoftAuthenticator(ORIGIN);
    const { options } = await startRegistration(host.db, rp, { token: one.token, name: "X" }, CLIENT);
    const phished = authenticator.register(options, { origin: "https://pteri.example.net" });
    await expect(completeRegistration(host.db, rp, { token: one.token, name: "X", passkeyName: "k", response: phished }, CLIENT)).rejects.toMatchObject({ code: "passkey_invalid" });
    // A challenge issued for invitation one cannot complete invitation two (which grants admin).
    const swapped = authenticator.register((await startRegistration(host.db, rp, { token: one.token, name: "X" }, CLIENT)).options);
    await expect(completeRegistration(host.db, rp, { token: two.token, name: "X", passkeyName: "k", response: swapped }, CLIENT)).rejects.toMatchObject({ code: "challenge_invalid" });
  });

  it("limits invalid token attempts per address with a clear 429", async () => {
    const attacker = { ip: "192.0.2.66", userAgent: "vitest" };
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push(await tryRegister("B".repeat(43), undefined, attacker));
    expect(codes.slice(0, 10).every((c) => c === "token_invalid")).toBe(true);
    expect(codes.slice(10)).toEqual(["rate_limited", "rate_limited"]);
    // Other addresses are unaffected.
    const op = await createOperator(host.db, "Unaffected", ["auditor"]);
    expect(op.id).toBeTruthy();
  });
});
