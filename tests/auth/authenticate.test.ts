import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { entryFromRow } from "@/lib/audit/rows";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { base64Decode, utf8Encode } from "@/lib/protocol/encoding";
import { jwkThumbprint } from "@/lib/protocol/keys";
import { enroll, freshDb, NOW_MS, signedRequest, testDeps, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

describe("authenticateMachineRequest: success", () => {
  it("returns the machine, updates lastSeenAt and records one machine.request entry with the signed material", async () => {
    const { key, machine } = await enroll(t.db, "deployer", ["env:prod"]);
    const before = await t.db.auditEntry.count();
    const signed = await signedRequest(key, { url: "http://localhost:3000/api/v1/whoami?x=1&y=%20z" });

    const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));

    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    expect(auth.machine).toMatchObject({ id: machine.id, name: "deployer", keyId: key.publicKey.keyId, status: "active", tags: ["env:prod"] });
    expect(auth.keyId).toBe(key.publicKey.keyId);
    expect(auth.body).toHaveLength(0);

    const row = await t.db.machine.findUniqueOrThrow({ where: { id: machine.id } });
    expect(row.lastSeenAt?.getTime()).toBe(NOW_MS);

    const entries = await t.db.auditEntry.findMany({ where: { seq: { gte: before } } });
    expect(entries).toHaveLength(1);
    const entry = entryFromRow(entries[0]!);
    expect(entry.seq).toBe(auth.auditSeq);
    expect(entry).toMatchObject({ type: "machine.request", actor: { type: "machine", id: key.publicKey.keyId }, subjects: { machine: machine.id } });
    const ev = entry.evidence as Record<string, unknown>;
    expect(ev).toMatchObject({
      method: "GET",
      targetUri: "http://localhost:3000/api/v1/whoami?x=1&y=%20z",
      label: "sig1",
      keyId: key.publicKey.keyId,
      alg: "ed25519",
      nonce: signed.nonce,
      signatureBase: signed.signatureBase,
    });
    expect(typeof ev.signatureInput).toBe("string");
    expect(typeof ev.signatureHeader).toBe("string");
    expect(ev.contentDigest).toBeUndefined();

    // The evidence alone re-verifies: the key's thumbprint is the keyid, the signature covers the base.
    const jwk = ev.publicJwk as { kty: string; crv: string; x: string };
    expect(jwkThumbprint(jwk)).toBe(ev.keyId);
    const valid = await nodeEd25519.verify(key.publicKey.raw, utf8Encode(ev.signatureBase as string), base64Decode(ev.signature as string));
    expect(valid).toBe(true);
  });

  it("accepts a signed POST with a body, returns the body and keeps its Content-Digest as evidence", async () => {
    const { key } = await enroll(t.db, "poster");
    const body = JSON.stringify({ hello: "world", n: [1, 2, 3] });
    const signed = await signedRequest(key, { body });
    const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    expect(new TextDecoder().decode(auth.body)).toBe(body);
    const entry = await t.db.auditEntry.findUniqueOrThrow({ where: { seq: auth.auditSeq } });
    const ev = JSON.parse(entry.evidence) as Record<string, unknown>;
    expect(ev.contentDigest).toMatch(/^sha-256=:/);
    expect(ev.components).toEqual(["@method", "@target-uri", "content-digest", "content-type"]);
  });

  it("refuses a body whose signature does not cover content-digest", async () => {
    const { key } = await enroll(t.db, "lazy-poster");
    // Signed without a body, then sent with one: the signature covers no digest.
    const signed = await signedRequest(key, { method: "POST" });
    const auth = await authenticateMachineRequest(signed.make({ body: "surprise" }), testDeps(t.db, t.config));
    expect(auth.ok).toBe(false);
    if (auth.ok) return;
    expect(auth.code).toBe("component_missing");
    expect(auth.response.status).toBe(400);
  });
});
