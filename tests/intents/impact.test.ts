/**
 * The policy editor's impact preview and pickers read the intents machines really submitted
 * (lib/intents/recorded.ts through lib/policies/store): a draft that would change decisions
 * lists exactly the intents it changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { impactPreview } from "@/lib/policies/store/impact";
import { policySuggestions } from "@/lib/policies/store/suggestions";
import { enroll, freshDb, NOW_MS, type Enrolled, type TestDb } from "../auth/helpers";
import { intentDoc, policyDoc, publish, rule, submitSigned } from "./helpers";

let env: TestDb;
let machine: Enrolled;
let policyId: string;

beforeAll(async () => {
  env = await freshDb();
  machine = await enroll(env.db, "impact-worker");
  policyId = (await publish(env.db, policyDoc("Deploys", [rule({ id: "deploys" })]), new Date(NOW_MS - 60_000))).id;
});
afterAll(() => env.close());

describe("impact preview over recorded intents", () => {
  it("lists the intents whose decision the draft changes, and only those", async () => {
    const allowedIntent = (await submitSigned(env, machine, JSON.stringify(intentDoc({ nonce: "impact-1" })), NOW_MS)).intent;
    const deniedIntent = (await submitSigned(env, machine, JSON.stringify(intentDoc({ action: "payments.transfer", resource: "accounts/9", nonce: "impact-2" })), NOW_MS + 10)).intent;
    expect([allowedIntent.status, deniedIntent.status]).toEqual(["allowed", "denied"]);

    // The draft drops every rule: the allowed intent would now be denied; the denied one stays denied.
    const preview = await impactPreview(env.db, policyId, policyDoc("Deploys", []), 1, new Date(NOW_MS + 1000));
    expect(preview.evaluated).toBe(2);
    expect(preview.changed.map((c) => [c.intentId, c.before, c.after])).toEqual([[allowedIntent.id, "allow", "deny"]]);
  });

  it("suggests what machines have asked for, most recent first, before what policies already name", async () => {
    const suggestions = await policySuggestions(env.db, new Date(NOW_MS + 1000));
    expect(suggestions.actions.slice(0, 2)).toEqual(["payments.transfer", intentDoc().action]);
    expect(suggestions.resources).toContain("accounts/9");
  });
});
