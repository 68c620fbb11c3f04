/**
 * The approval statement, its challenge, and the offline verifier: a passkey assertion made
 * by hand here (node:crypto keys, flags chosen per test), so each check of
 * verifyApprovalAssertion is attacked on its own.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildStatement, statementChallenge, statementText, verifyApprovalAssertion, type AssertionEvidence } from "@/lib/approvals/statement";
import type { ApprovalStatement } from "@/lib/approvals/wire";
import { canonicalJson } from "@/lib/protocol/jcs";

const ORIGIN = "https://console.example.com";
const RP_ID = "console.example.com";
const b64u = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64url");
const sha256 = (d: Uint8Array | string) => createHash("sha256").update(d).digest();

function statement(over: Partial<Parameters<typeof buildStatement>[0]> = {}): ApprovalStatement {
  return buildStatement({
    origin: ORIGIN,
    intentId: "int_1",
    intentHash: "ab".repeat(32),
    decision: "approve",
    reason: "looks right",
    executionWindowSeconds: 300,
    operatorId: "op_1",
    issuedAt: new Date("2026-12-04T12:00:00Z"),
    nonce: "bm9uY2Utbm9uY2Utbm9uY2U",
    ...over,
  });
}

type Alg = "Ed25519" | "P-256" | "RSA";
interface Key {
  alg: Alg;
  privateKey: KeyObject;
  spki: string;
  algorithm: number;
}

function key(alg: Alg): Key {
  const pair = alg === "Ed25519" ? generateKeyPairSync("ed25519") : alg === "P-256" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { alg, privateKey: pair.privateKey, spki: b64u(pair.publicKey.export({ format: "der", type: "spki" })), algorithm: alg === "Ed25519" ? -8 : alg === "P-256" ? -7 : -257 };
}

interface Ceremony {
  challenge: string;
  origin?: string;
  type?: string;
  rpId?: string;
  flags?: number;
}

/** What an authenticator and browser produce for navigator.credentials.get. */
function assertion(k: Key, c: Ceremony): AssertionEvidence {
  const clientDataJSON = Buffer.from(JSON.stringify({ type: c.type ?? "webauthn.get", challenge: c.challenge, origin: c.origin ?? ORIGIN, crossOrigin: false }));
  const authData = Buffer.concat([sha256(c.rpId ?? RP_ID), Buffer.from([c.flags ?? 0x05]), Buffer.from([0, 0, 0, 7])]);
  const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
  const signature = k.alg === "Ed25519" ? sign(null, signed, k.privateKey) : sign("sha256", signed, k.privateKey);
  return { id: "cred-1", response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature) } };
}

const verify = (s: ApprovalStatement, a: AssertionEvidence, k: Key, over: { origin?: string; rpId?: string } = {}) =>
  verifyApprovalAssertion({ statement: s, assertion: a, publicKey: { spki: k.spki, algorithm: k.algorithm }, expectedOrigin: over.origin ?? ORIGIN, expectedRpId: over.rpId ?? RP_ID });

describe("the statement and its challenge", () => {
  it("is the base64url SHA-256 of the RFC 8785 form, whatever the key order", () => {
    const s = statement();
    const reordered = Object.fromEntries(Object.entries(s).reverse()) as unknown as ApprovalStatement;
    expect(statementText(reordered)).toBe(statementText(s));
    expect(statementText(s)).toBe(canonicalJson(s));
    expect(statementChallenge(s)).toBe(b64u(sha256(canonicalJson(s))));
    expect(statementChallenge(reordered)).toBe(statementChallenge(s));
    expect(statementChallenge(s)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.format).toBe("pteri.approval/v1");
  });

  it("commits to every field: changing any one changes the challenge", () => {
    const base = statementChallenge(statement());
    const changes: Partial<Parameters<typeof buildStatement>[0]>[] = [
      { decision: "reject" },
      { intentHash: "cd".repeat(32) },
      { intentId: "int_2" },
      { reason: "looks right." },
      { executionWindowSeconds: 299 },
      { executionWindowSeconds: null },
      { operatorId: "op_2" },
      { nonce: "b3RoZXItbm9uY2Utb3RoZXI" },
      { origin: "https://evil.example" },
      { issuedAt: new Date("2026-12-04T12:00:01Z") },
    ];
    const all = changes.map((c) => statementChallenge(statement(c)));
    for (const c of all) expect(c).not.toBe(base);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("verifyApprovalAssertion (offline)", () => {
  for (const alg of ["Ed25519", "P-256", "RSA"] as const) {
    it(`accepts a genuine ${alg} assertion over the statement's challenge`, async () => {
      const k = key(alg);
      const s = statement();
      expect(await verify(s, assertion(k, { challenge: statementChallenge(s) }), k)).toEqual({ ok: true });
    });
  }

  it("refuses a tampered statement (the decision, the reason, the window)", async () => {
    const k = key("Ed25519");
    const s = statement();
    const a = assertion(k, { challenge: statementChallenge(s) });
    for (const tampered of [{ ...s, decision: "reject" as const }, { ...s, reason: "other" }, { ...s, executionWindowSeconds: 86400 }, { ...s, intentHash: "00".repeat(32) }]) {
      const result = await verify(tampered, a, k);
      expect(result).toEqual({ ok: false, reason: expect.stringContaining("another challenge") });
    }
  });

  it("refuses a signature over another statement's challenge", async () => {
    const k = key("P-256");
    const a = assertion(k, { challenge: statementChallenge(statement({ intentId: "int_other" })) });
    expect((await verify(statement(), a, k)).ok).toBe(false);
  });

  it("refuses another origin: in clientDataJSON, or expected by the verifier", async () => {
    const k = key("Ed25519");
    const s = statement();
    const elsewhere = assertion(k, { challenge: statementChallenge(s), origin: "https://console.example.com.evil.example" });
    expect(await verify(s, elsewhere, k)).toEqual({ ok: false, reason: expect.stringContaining("another origin") });
    const a = assertion(k, { challenge: statementChallenge(s) });
    expect((await verify(s, a, k, { origin: "https://other.example" })).ok).toBe(false);
  });

  it("refuses another relying party (rpIdHash)", async () => {
    const k = key("Ed25519");
    const s = statement();
    const result = await verify(s, assertion(k, { challenge: statementChallenge(s), rpId: "evil.example" }), k);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("rpIdHash") });
  });

  it("refuses an assertion without user verification (UV) or presence (UP), even when correctly signed", async () => {
    const k = key("Ed25519");
    const s = statement();
    expect(await verify(s, assertion(k, { challenge: statementChallenge(s), flags: 0x01 }), k)).toEqual({ ok: false, reason: expect.stringContaining("UV") });
    expect(await verify(s, assertion(k, { challenge: statementChallenge(s), flags: 0x04 }), k)).toEqual({ ok: false, reason: expect.stringContaining("UP") });
  });

  it("refuses a registration (webauthn.create) answer", async () => {
    const k = key("Ed25519");
    const s = statement();
    expect((await verify(s, assertion(k, { challenge: statementChallenge(s), type: "webauthn.create" }), k)).ok).toBe(false);
  });

  it("refuses a bad signature: another key, a flipped bit, a changed authenticatorData", async () => {
    const k = key("P-256");
    const s = statement();
    const a = assertion(k, { challenge: statementChallenge(s) });
    expect(await verify(s, a, key("P-256"))).toEqual({ ok: false, reason: expect.stringContaining("signature") });
    const sig = Buffer.from(a.response.signature, "base64url");
    sig[sig.length - 1]! ^= 1;
    expect((await verify(s, { ...a, response: { ...a.response, signature: b64u(sig) } }, k)).ok).toBe(false);
    const auth = Buffer.from(a.response.authenticatorData, "base64url");
    auth[36]! ^= 1; // the signature counter
    expect((await verify(s, { ...a, response: { ...a.response, authenticatorData: b64u(auth) } }, k)).ok).toBe(false);
    // The key claimed to be of another algorithm.
    expect((await verifyApprovalAssertion({ statement: s, assertion: a, publicKey: { spki: k.spki, algorithm: -8 }, expectedOrigin: ORIGIN, expectedRpId: RP_ID })).ok).toBe(false);
  });

  it("refuses garbage without throwing", async () => {
    const k = key("Ed25519");
    const s = statement();
    const bad: AssertionEvidence[] = [
      { id: "x", response: { clientDataJSON: "!!", authenticatorData: "AA", signature: "AA" } },
      { id: "x", response: { clientDataJSON: b64u(Buffer.from("[1]")), authenticatorData: "AA", signature: "AA" } },
      { id: "x", response: { clientDataJSON: b64u(Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: statementChallenge(s), origin: ORIGIN }))), authenticatorData: "AA", signature: "AA" } },
      {} as AssertionEvidence,
    ];
    for (const a of bad) expect((await verify(s, a, k)).ok).toBe(false);
  });
});
