/**
 * The Overview on a real database, seeded through the real paths: signed submissions through
 * the intents route, passkey-signed decisions, executions verified by a resource service,
 * failed request authentications, a revocation and a signed checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as overviewRoute } from "@/app/api/overview/route";
import { createCheckpoint } from "@/lib/audit/checkpoint-store";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { flushAuthFailures } from "@/lib/auth/failures";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { changeMachineStatus } from "@/lib/machines/lifecycle";
import { overview } from "@/lib/overview";
import type { ActivityBucket, Overview } from "@/lib/overview/wire";
import { enroll, PUBLIC_URL, testDeps, type Enrolled, type TestDb } from "../auth/helpers";
import { APPROVE, decide, person, REJECT } from "../approvals/helpers";
import { executionRequest, forward, grantVerifier, submitTransfer, verifyAnswer } from "../intents/verify-helpers";
import { intentDoc, policyDoc, publish, rule, submitSigned } from "../intents/helpers";
import { ALL_ROLES, consoleRequest, createOperator, signInCookie, startTestHost, type TestHost } from "../operators/helpers/host";

const HOUR = 3_600_000;
let host: TestHost;
let owner: Enrolled;
let service: Enrolled;
let retired: Enrolled;
let pendingId: string;
let pastAuthFailureAt: number;
let threeDaysAgo: number;

const sum = (buckets: ActivityBucket[], pick: (b: ActivityBucket) => number) => buckets.reduce((n, b) => n + pick(b), 0);

beforeAll(async () => {
  host = await startTestHost();
  const db = host.db;

  const empty = await overview(db, "30d");
  expect(empty.activity.buckets.every((b) => Object.values(b.intents).every((n) => n === 0) && b.approvals.approve + b.approvals.reject + b.failures.authentication + b.failures.execution === 0)).toBe(true);
  expect(empty).toMatchObject({ pendingApprovals: { count: 0, soonest: [] }, recentlyEnrolled: [], recentlyRevoked: [], latestCheckpoint: null });

  owner = await enroll(db, "payer");
  service = await enroll(db, "payments-service");
  retired = await enroll(db, "<b>old-worker</b>");
  await grantVerifier(db, service.machine.id);
  await publish(
    db,
    policyDoc("Overview", [
      rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"] }),
      rule({ id: "large", actions: ["payments.large"], resources: ["**"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } }),
      rule({ id: "blocked", effect: "deny", actions: ["payments.blocked"], resources: ["**"] }),
    ]),
  );
  const alice = await person(db, "Alice");
  const bob = await person(db, "Bob");

  const executed = await submitTransfer(owner, "executed");
  await submitTransfer(owner, "allowed");
  const request = await executionRequest(owner.key, executed.id);
  expect(await verifyAnswer(service, forward(request, request.body))).toMatchObject({ decision: "allow" });
  expect(await verifyAnswer(service, forward(request, request.body))).toMatchObject({ decision: "deny", reason: "intent_executed" });

  const approved = await submitTransfer(owner, "large-1", { action: "payments.large" });
  const rejected = await submitTransfer(owner, "large-2", { action: "payments.large" });
  pendingId = (await submitTransfer(owner, "large-3", { action: "payments.large" })).id;
  expect((await decide(alice, approved.id, APPROVE)).status).toBe(201);
  expect((await decide(bob, rejected.id, REJECT)).status).toBe(201);
  expect((await submitTransfer(owner, "blocked", { action: "payments.blocked" })).status).toBe("denied");

  // An intent three days old: in the 7-day chart, not in the 24-hour one.
  threeDaysAgo = Date.now() - 3 * 24 * HOUR;
  const config = loadConfig({ ...process.env, PTERI_PUBLIC_URL: PUBLIC_URL });
  const env = { db, config } as unknown as TestDb;
  await submitSigned(env, owner, JSON.stringify(intentDoc({ action: "payments.transfer", resource: "accounts/1", nonce: "old" })), threeDaysAgo);

  // Three unsigned requests two hours ago (flushed into the log), two in the current minute (still counted in their table).
  pastAuthFailureAt = Date.now() - 2 * HOUR;
  for (let i = 0; i < 3; i++) await authenticateMachineRequest(new Request(`${PUBLIC_URL}/api/v1/whoami`), testDeps(db, config, { now: () => pastAuthFailureAt }));
  await flushAuthFailures(db, new Date());
  for (let i = 0; i < 2; i++) await authenticateMachineRequest(new Request(`${PUBLIC_URL}/api/v1/whoami`), testDeps(db, config, { now: () => Date.now() }));

  await writeTransaction(db, (tx) => changeMachineStatus(tx, { type: "host", id: "test" }, retired.machine.id, "revoke", { reason: "decommissioned" }));
  await createCheckpoint(db, await getLogIdentity(db, loadConfig()));
}, 60_000);
afterAll(() => host.close());

describe("activity over time", () => {
  it("counts today's intents by status, decisions, refused executions and failed authentications", async () => {
    const { activity } = await overview(host.db, "24h");
    const buckets = activity.buckets;
    expect(buckets).toHaveLength(24);
    const intents = (status: keyof ActivityBucket["intents"]) => sum(buckets, (b) => b.intents[status]);
    expect({ allowed: intents("allowed"), executed: intents("executed"), approved: intents("approved"), rejected: intents("rejected"), pending: intents("pending"), denied: intents("denied"), expired: intents("expired") }).toEqual({
      allowed: 1,
      executed: 1,
      approved: 1,
      rejected: 1,
      pending: 1,
      denied: 1,
      expired: 0,
    });
    expect(sum(buckets, (b) => b.approvals.approve)).toBe(1);
    expect(sum(buckets, (b) => b.approvals.reject)).toBe(1);
    expect(sum(buckets, (b) => b.failures.execution)).toBe(1);
    expect(sum(buckets, (b) => b.failures.authentication)).toBe(5);
  });

  it("puts flushed authentication failures in the bucket of their minute, not of the flush", async () => {
    const { activity } = await overview(host.db, "24h");
    const hourOfFailure = new Date(Math.floor(pastAuthFailureAt / HOUR) * HOUR).toISOString();
    expect(activity.buckets.find((b) => b.start === hourOfFailure)?.failures.authentication).toBe(3);
  });

  it("7d: the three-day-old intent lands in its UTC day; 24h leaves it out", async () => {
    const { activity } = await overview(host.db, "7d");
    expect(activity.unit).toBe("day");
    const day = new Date(threeDaysAgo).toISOString().slice(0, 10) + "T00:00:00.000Z";
    expect(activity.buckets.find((b) => b.start === day)?.intents.allowed).toBe(1);
    expect(sum(activity.buckets, (b) => b.intents.allowed)).toBe(2);
  });
});

describe("cards", () => {
  let data: Overview;
  beforeAll(async () => {
    data = await overview(host.db, "24h");
  });

  it("pending approvals: the count and the soonest deadline, never one whose deadline passed", async () => {
    expect(data.pendingApprovals.count).toBe(1);
    expect(data.pendingApprovals.soonest).toEqual([expect.objectContaining({ intentId: pendingId, action: "payments.large", machineName: "payer" })]);
    const later = await overview(host.db, "24h", new Date(Date.now() + 601_000));
    expect(later.pendingApprovals).toEqual({ count: 0, soonest: [] });
  });

  it("recently enrolled machines newest first; the revoked one with its reason and the time it was revoked", async () => {
    expect(data.recentlyEnrolled.map((m) => m.name)).toEqual(["<b>old-worker</b>", "payments-service", "payer"]);
    expect(data.recentlyRevoked).toEqual([{ id: retired.machine.id, name: "<b>old-worker</b>", status: "revoked", reason: "decommissioned", at: expect.any(String) }]);
    const entry = await host.db.auditEntry.findFirstOrThrow({ where: { type: "machine.revoked" } });
    expect(data.recentlyRevoked[0]!.at).toBe(entry.time.toISOString());
  });

  it("the latest signed checkpoint: its size and root", async () => {
    const stored = await host.db.auditCheckpoint.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(data.latestCheckpoint).toEqual({ size: stored.size, rootHash: stored.rootHash, createdAt: stored.createdAt.toISOString() });
    expect(data.latestCheckpoint!.size).toBeGreaterThan(10);
  });
});

describe("GET /api/overview", () => {
  it.each(ALL_ROLES)("%s may read it", async (role) => {
    const operator = await createOperator(host.db, `Only ${role}`, [role]);
    const response = await overviewRoute(consoleRequest("/api/overview?range=7d", { cookie: await signInCookie(host.db, operator) }), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Overview;
    expect(body.activity).toMatchObject({ range: "7d", unit: "day" });
    expect(body.activity.buckets).toHaveLength(7);
    expect(body.pendingApprovals.count).toBe(1);
  });

  it("refuses anonymous callers (401) and an unknown range (400 query_invalid)", async () => {
    const anonymous = await overviewRoute(consoleRequest("/api/overview"), { params: Promise.resolve({}) });
    expect(anonymous.status).toBe(401);
    const operator = await createOperator(host.db, "Range tester", ["auditor"]);
    const bad = await overviewRoute(consoleRequest("/api/overview?range=1y", { cookie: await signInCookie(host.db, operator) }), { params: Promise.resolve({}) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("query_invalid");
  });
});
