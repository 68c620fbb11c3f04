import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { generateKeyPair } from "@/lib/protocol/keys";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { enroll, freshDb, NOW_S, problemOf, setStatus, signedRequest, testDeps, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

async function refusal(request: Request): Promise<{ code: string; status: number; body: Record<string, unknown> }> {
  const auth = await authenticateMachineRequest(request, testDeps(t.db, t.config));
  if (auth.ok) throw new Error("the request was accepted");
  const problem = await problemOf(auth.response);
  expect(problem.contentType).toBe("application/problem+json");
  expect(problem.body.code).toBe(auth.code);
  return { code: auth.code, status: problem.status, body: problem.body };
}

describe("time window", () => {
  it("refuses an expired signature", async () => {
    const { key } = await enroll(t.db, "late");
    const signed = await signedRequest(key, { sign: { created: NOW_S - 200, expires: NOW_S - 100 } });
    expect(await refusal(signed.make())).toMatchObject({ code: "expired", status: 401 });
  });

  it("refuses a signature created too long ago, even with a far expiry", async () => {
    const { key } = await enroll(t.db, "old");
    const signed = await signedRequest(key, { sign: { created: NOW_S - 400, expires: NOW_S + 3600 } });
    expect(await refusal(signed.make())).toMatchObject({ code: "too_old", status: 401 });
  });

  it("refuses a signature dated in the future beyond the clock skew", async () => {
    const { key } = await enroll(t.db, "early");
    const signed = await signedRequest(key, { sign: { created: NOW_S + 120 } });
    expect(await refusal(signed.make())).toMatchObject({ code: "not_yet_valid", status: 401 });
  });

  it("accepts a signature within the clock skew", async () => {
    const { key } = await enroll(t.db, "slightly-early");
    const signed = await signedRequest(key, { sign: { created: NOW_S + 20 } });
    expect((await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config))).ok).toBe(true);
  });
});

describe("key status", () => {
  it("refuses an unknown key with key_unknown", async () => {
    const stranger = await generateKeyPair(nodeEd25519);
    const signed = await signedRequest(stranger);
    expect(await refusal(signed.make())).toMatchObject({ code: "key_unknown", status: 401 });
  });

  it("refuses a suspended key with key_suspended and a revoked key with key_revoked", async () => {
    const a = await enroll(t.db, "suspended-one");
    const b = await enroll(t.db, "revoked-one");
    await setStatus(t.db, a.machine.id, "suspended");
    await setStatus(t.db, b.machine.id, "revoked");
    expect(await refusal((await signedRequest(a.key)).make())).toMatchObject({ code: "key_suspended", status: 403 });
    expect(await refusal((await signedRequest(b.key)).make())).toMatchObject({ code: "key_revoked", status: 403 });
  });

  it("applies a revocation to the very next request, on every instance", async () => {
    const { key, machine } = await enroll(t.db, "revoked-between-requests");
    const second = t.openSecondClient();
    expect((await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(second, t.config))).ok).toBe(true);
    await setStatus(t.db, machine.id, "revoked");
    const next = await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(second, t.config));
    expect(next.ok ? "accepted" : next.code).toBe("key_revoked");
    await setStatus(t.db, machine.id, "active");
    expect((await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(second, t.config))).ok).toBe(true);
  });

  it("refuses a key still awaiting an operator's confirmation as key_pending", async () => {
    const { key, machine } = await enroll(t.db, "pending-one");
    await setStatus(t.db, machine.id, "pending");
    expect(await refusal((await signedRequest(key)).make())).toMatchObject({ code: "key_pending", status: 403 });
  });
});
