import { createPublicKey, createHash, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPasskey, startSignIn } from "@/lib/operators/sign-in";
import { webContext } from "@/lib/session/context";
import { CLIENT, createOperator, startTestHost, type TestHost, type TestOperator } from "./helpers/host";

let host: TestHost;
let ed: TestOperator;
let p256: TestOperator;
beforeAll(async () => {
  host = await startTestHost();
  ed = await createOperator(host.db, "Ed Ward", ["approver"], "Ed25519");
  p256 = await createOperator(host.db, "Pat Two", ["editor"], "P-256");
});
afterAll(() => host.close());

async function attempt(operator: TestOperator, tweak: (options: { challenge: string }) => unknown = (o) => operator.authenticator.assert(o), client = CLIENT) {
  const { rp } = webContext();
  const options = await startSignIn(host.db, rp, client);
  return signInWithPasskey(host.db, rp, tweak(options), client);
}

describe("signing in with a passkey", () => {
  it("works with Ed25519 and P-256 passkeys, opens a session and records a re-verifiable sign-in", async () => {
    for (const op of [ed, p256]) {
      const signedIn = await attempt(op);
      expect(signedIn).toMatchObject({ operatorId: op.id, name: op.name, sessionVersion: 1 });
      const entry = await host.db.auditEntry.findFirstOrThrow({ where: { type: "operator.signed_in", actorId: op.id }, orderBy: { seq: "desc" } });
      const evidence = JSON.parse(entry.evidence) as Record<string, string>;
      // Offline check: the passkey's SPKI (from the database, or from the passkey_added entry) verifies
      // the assertion stored in the audit entry, exactly as WebAuthn defines it.
      const passkey = await host.db.passkey.findUniqueOrThrow({ where: { credentialId: evidence.credentialId } });
      const key = createPublicKey({ key: Buffer.from(passkey.publicKeySpki, "base64url"), format: "der", type: "spki" });
      const signed = Buffer.concat([Buffer.from(evidence.authenticatorData!, "base64url"), createHash("sha256").update(Buffer.from(evidence.clientDataJSON!, "base64url")).digest()]);
      const alg = passkey.algorithm === -8 ? null : "sha256";
      expect(verify(alg, signed, key, Buffer.from(evidence.signature!, "base64url"))).toBe(true);
      expect(JSON.parse(passkey.publicKeyJwk)).toMatchObject(passkey.algorithm === -8 ? { kty: "OKP", crv: "Ed25519" } : { kty: "EC", crv: "P-256" });
    }
  });

  it("uses each challenge once: replaying a valid assertion fails", async () => {
    const { rp } = webContext();
    const options = await startSignIn(host.db, rp, CLIENT);
    const response = ed.authenticator.assert(options);
    await signInWithPasskey(host.db, rp, response, CLIENT);
    await expect(signInWithPasskey(host.db, rp, response, CLIENT)).rejects.toMatchObject({ code: "challenge_invalid" });
  });

  it("refuses a forged signature, a wrong origin, a counter that went backwards and an unknown passkey", async () => {
    await expect(
      attempt(ed, (o) => {
        const r = ed.authenticator.assert(o);
        return { ...r, response: { ...r.response, signature: p256.authenticator.assert(o).response.signature } };
      }),
    ).rejects.toMatchObject({ code: "passkey_invalid" });
    await expect(attempt(ed, (o) => ed.authenticator.assert(o, { origin: "https://evil.example" }))).rejects.toMatchObject({ code: "passkey_invalid" });
    await expect(attempt(p256, (o) => p256.authenticator.assert(o, { counter: 1 }))).rejects.toMatchObject({ code: "passkey_invalid" });
    await expect(attempt(ed, (o) => ({ ...ed.authenticator.assert(o), id: "bm9wZQ", rawId: "bm9wZQ" }))).rejects.toMatchObject({ code: "passkey_unknown" });
    await expect(attempt(ed, () => ({ nonsense: true }))).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("records failures aggregated per minute, never one entry per attempt", async () => {
    const before = await host.db.auditEntry.count({ where: { type: "operator.sign_in_failed" } });
    const client = { ip: "198.51.100.20", userAgent: "vitest" };
    for (let i = 0; i < 3; i++) await expect(attempt(ed, () => ({ nonsense: i }), client)).rejects.toBeTruthy();
    const after = await host.db.auditEntry.count({ where: { type: "operator.sign_in_failed" } });
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it("limits failed attempts per passkey and per address, with a 429 code and a retry time", async () => {
    const victim = await createOperator(host.db, "Victim", ["auditor"]);
    const forged = (o: { challenge: string }) => {
      const r = victim.authenticator.assert(o);
      return { ...r, response: { ...r.response, signature: ed.authenticator.assert(o).response.signature } };
    };
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await attempt(victim, forged, { ip: `198.51.100.${100 + i}`, userAgent: "x" }).then(() => "ok", (e: { code: string }) => e.code));
    expect(codes).toEqual(["passkey_invalid", "passkey_invalid", "passkey_invalid", "passkey_invalid", "passkey_invalid", "rate_limited"]);
    // Even the real passkey waits now: a per-passkey limit cannot be dodged by changing address.
    await expect(attempt(victim)).rejects.toMatchObject({ code: "rate_limited", extensions: { retryAfterSeconds: expect.any(Number) } });

    const flooding = { ip: "192.0.2.99", userAgent: "x" };
    const floodCodes: string[] = [];
    for (let i = 0; i < 21; i++) floodCodes.push(await attempt(ed, () => ({ garbage: i }), flooding).then(() => "ok", (e: { code: string }) => e.code));
    expect(floodCodes.at(-1)).toBe("rate_limited");
    await expect(attempt(ed, undefined, flooding)).rejects.toMatchObject({ code: "rate_limited" });
    await expect(attempt(ed)).resolves.toMatchObject({ operatorId: ed.id }); // other addresses still sign in
  });
});
