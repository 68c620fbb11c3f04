/**
 * Reading an intent: only its machine sees it, waiting for a decision returns as soon as the
 * status changes, and expiry happens on read and in bulk, each with its audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntentError } from "@/lib/intents/errors";
import { expireIntents } from "@/lib/intents/expiry";
import { expireDueIntents } from "@/lib/intents/schedule";
import { intentAnswer } from "@/lib/intents/model";
import { parseWait, readIntent, waitForIntent } from "@/lib/intents/read";
import { enroll, freshDb, NOW_MS, type Enrolled, type TestDb } from "../auth/helpers";
import { auditOf, intentDoc, intentErrorCode, policyDoc, publish, rule, submitSigned } from "./helpers";

let env: TestDb;
let owner: Enrolled;
let stranger: Enrolled;

const APPROVAL_S = 3600;

beforeAll(async () => {
  env = await freshDb();
  owner = await enroll(env.db, "owner");
  stranger = await enroll(env.db, "stranger");
  await publish(
    env.db,
    policyDoc("Everything", [
      rule({ id: "deploys" }),
      rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: APPROVAL_S } }),
    ]),
  );
});
afterAll(() => env.close());

let n = 0;
async function pending(at = NOW_MS) {
  return (await submitSigned(env, owner, JSON.stringify(intentDoc({ action: "payments.transfer", resource: "accounts/1", nonce: `p${++n}` })), at)).intent;
}
async function allowed(at = NOW_MS) {
  return (await submitSigned(env, owner, JSON.stringify(intentDoc({ nonce: `a${++n}` })), at)).intent;
}

describe("ownership", () => {
  it("the owner reads it; another machine gets not_found, the same as for an id that does not exist", async () => {
    const intent = await pending();
    expect((await readIntent(env.db, owner.machine.id, intent.id, new Date(NOW_MS))).id).toBe(intent.id);
    expect(await intentErrorCode(readIntent(env.db, stranger.machine.id, intent.id, new Date(NOW_MS)))).toBe("not_found");
    expect(await intentErrorCode(readIntent(env.db, owner.machine.id, "c-does-not-exist", new Date(NOW_MS)))).toBe("not_found");
    expect(await intentErrorCode(readIntent(env.db, owner.machine.id, "x".repeat(500), new Date(NOW_MS)))).toBe("not_found");
  });
});

describe("?wait", () => {
  it("accepts 1 to 60 seconds only", () => {
    expect(parseWait(null)).toBe(0);
    expect(parseWait("1")).toBe(1);
    expect(parseWait("60")).toBe(60);
    for (const bad of ["0", "61", "-1", "1.5", "abc", "", "1e1", "0060"]) expect(() => parseWait(bad), bad).toThrow(IntentError);
  });

  it("returns as soon as the status changes (a second writer decides it)", async () => {
    const intent = await pending();
    const started = Date.now();
    setTimeout(() => void env.openSecondClient().intent.update({ where: { id: intent.id }, data: { status: "approved", expiresAt: new Date(NOW_MS + 600_000) } }).then(() => undefined), 300);
    const after = await waitForIntent(env.db, owner.machine.id, intent.id, { waitSeconds: 20, now: () => new Date(NOW_MS), pollMs: 100 });
    expect(after.status).toBe("approved");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("answers the current (pending) state when the time is up", async () => {
    const intent = await pending();
    const started = Date.now();
    const after = await waitForIntent(env.db, owner.machine.id, intent.id, { waitSeconds: 1, now: () => new Date(NOW_MS), pollMs: 100 });
    expect(after.status).toBe("pending");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not wait for an intent that is already decided, and stops when the client goes away", async () => {
    const done = await allowed();
    let started = Date.now();
    expect((await waitForIntent(env.db, owner.machine.id, done.id, { waitSeconds: 30, now: () => new Date(NOW_MS) })).status).toBe("allowed");
    expect(Date.now() - started).toBeLessThan(1000);
    const open = await pending();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    started = Date.now();
    expect((await waitForIntent(env.db, owner.machine.id, open.id, { waitSeconds: 30, now: () => new Date(NOW_MS), signal: abort.signal })).status).toBe("pending");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a pending intent whose deadline passes during the wait ends it as expired", async () => {
    const intent = await pending();
    let now = NOW_MS;
    setTimeout(() => (now = NOW_MS + APPROVAL_S * 1000), 200);
    const after = await waitForIntent(env.db, owner.machine.id, intent.id, { waitSeconds: 10, now: () => new Date(now), pollMs: 50 });
    expect(after.status).toBe("expired");
  });
});

describe("expiry", () => {
  it("lazily on read: pending past its deadline, allowed past its validity; one intent.expired entry each", async () => {
    const t = NOW_MS + 10 * 86_400_000;
    const p = await pending(t);
    const a = await allowed(t);
    const before = (await auditOf(env.db, "intent.expired")).length;
    // Still valid just before the deadline.
    expect((await readIntent(env.db, owner.machine.id, p.id, new Date(t + APPROVAL_S * 1000 - 1))).status).toBe("pending");
    expect((await readIntent(env.db, owner.machine.id, a.id, new Date(t + 600_000 - 1))).status).toBe("allowed");
    const pe = await readIntent(env.db, owner.machine.id, p.id, new Date(t + APPROVAL_S * 1000));
    const ae = await readIntent(env.db, owner.machine.id, a.id, new Date(t + 600_000));
    expect([pe.status, ae.status]).toEqual(["expired", "expired"]);
    expect(intentAnswer(pe).expiresAt).toBe(new Date(t + APPROVAL_S * 1000).toISOString());
    // Reading again changes nothing more.
    await readIntent(env.db, owner.machine.id, p.id, new Date(t + 2 * APPROVAL_S * 1000));
    const entries = (await auditOf(env.db, "intent.expired")).slice(before);
    expect(entries.map((e) => e.subjects.intent).sort()).toEqual([p.id, a.id].sort());
    const ep = entries.find((e) => e.subjects.intent === p.id)!;
    expect(ep.actor).toEqual({ type: "system", id: "pteri" });
    expect(ep.subjects).toEqual({ machine: owner.machine.id, intent: p.id });
    expect(ep.evidence).toMatchObject({ intentId: p.id, hash: p.hash, previousStatus: "pending", expiresAt: p.expiresAt.toISOString() });
    // A resubmission returns it as it is now: expired.
    const again = await submitSigned(env, owner, JSON.stringify(JSON.parse(p.canonical)), t + APPROVAL_S * 1000 + 5);
    expect([again.created, again.intent.id, again.intent.status]).toEqual([false, p.id, "expired"]);
  });

  it("the scheduled expiry round: every due intent once, in batches, denied ones untouched", async () => {
    const t = NOW_MS + 20 * 86_400_000;
    const ps = [await pending(t), await pending(t), await pending(t)];
    const a = await allowed(t);
    const denied = (await submitSigned(env, owner, JSON.stringify(intentDoc({ action: "nope.never", nonce: `d${++n}` })), t)).intent;
    expect(denied.status).toBe("denied");
    const at = new Date(t + APPROVAL_S * 1000 + 1);
    const before = (await auditOf(env.db, "intent.expired")).length;
    const total = await expireDueIntents(env.db, at, 2); // the scheduled round, in batches of 2
    const ids = [...ps.map((p) => p.id), a.id];
    const rows = await env.db.intent.findMany({ where: { id: { in: [...ids, denied.id] } } });
    expect(rows.filter((r) => r.status === "expired").map((r) => r.id).sort()).toEqual(ids.sort());
    expect(rows.find((r) => r.id === denied.id)!.status).toBe("denied");
    const entries = (await auditOf(env.db, "intent.expired")).slice(before);
    expect(entries.length).toBe(total);
    for (const id of ids) expect(entries.filter((e) => e.subjects.intent === id)).toHaveLength(1);
    expect(await expireIntents(env.db, at)).toEqual({ expired: 0, more: false });
  });

  it("concurrent expiry (bulk runs and reads at once): one entry", async () => {
    const t = NOW_MS + 30 * 86_400_000;
    const p = await pending(t);
    const at = new Date(t + APPROVAL_S * 1000 + 1);
    const before = (await auditOf(env.db, "intent.expired")).length;
    // Every read saw it pending before any expiry committed; each then expires it conditionally.
    await Promise.all([expireIntents(env.db, at), readIntent(env.db, owner.machine.id, p.id, at), readIntent(env.db, owner.machine.id, p.id, at), expireIntents(env.db, at)]);
    const entries = (await auditOf(env.db, "intent.expired")).slice(before).filter((e) => e.subjects.intent === p.id);
    expect(entries).toHaveLength(1);
  });
});
