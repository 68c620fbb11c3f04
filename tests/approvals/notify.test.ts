/**
 * Decisions that change an intent's status notify webhook receivers from inside their write
 * transaction (lib/webhooks/notify.ts), naming the audit entry of the change; decisions that
 * leave it pending do not.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { APPROVAL_EVENTS } from "@/lib/approvals/events";
import type { IntentNotificationInput } from "@/lib/webhooks/notify";
import { enroll, type Enrolled } from "../auth/helpers";
import { auditOf, policyDoc, publish, rule } from "../intents/helpers";
import { startTestHost, type TestHost } from "../operators/helpers/host";
import { APPROVE, decide, person, REJECT, submit, type Person } from "./helpers";

const calls = vi.hoisted(() => [] as IntentNotificationInput[]);
vi.mock("@/lib/webhooks/notify", async (original) => ({
  ...(await original<typeof import("@/lib/webhooks/notify")>()),
  notifyIntentEvent: async (_tx: unknown, input: IntentNotificationInput) => {
    calls.push(input);
  },
}));

let host: TestHost;
let machine: Enrolled;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  host = await startTestHost();
  await publish(host.db, policyDoc("Notify", [rule({ id: "two", actions: ["pay.two"], resources: ["**"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 600 } })]));
  alice = await person(host.db, "Alice");
  bob = await person(host.db, "Bob");
  machine = await enroll(host.db, "notifier");
}, 60_000);
afterAll(() => host.close());

describe("notifications of decisions", () => {
  it("intent.approved once the obligation is met, with the approvers; nothing for the first approval", async () => {
    const intent = await submit(machine, "pay.two");
    calls.length = 0;
    await decide(alice, intent.id, APPROVE);
    expect(calls).toEqual([]);
    await decide(bob, intent.id, { decision: "approve", reason: "ok" });
    const [entry] = (await auditOf(host.db, APPROVAL_EVENTS.intentApproved)).filter((e) => e.subjects.intent === intent.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: "intent.approved", auditSeq: entry!.seq, intent: { id: intent.id, status: "approved" } });
    expect(calls[0]!.decidedBy?.map((d) => d.operatorName).sort()).toEqual(["Alice", "Bob"]);
  });

  it("intent.rejected on a rejection, naming who rejected and why", async () => {
    const intent = await submit(machine, "pay.two");
    calls.length = 0;
    await decide(alice, intent.id, REJECT);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: "intent.rejected", intent: { id: intent.id, status: "rejected" }, decidedBy: [{ operatorId: alice.id, operatorName: "Alice", decision: "reject", reason: REJECT.reason }] });
  });
});
