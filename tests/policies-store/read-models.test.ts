/**
 * What the Console reads besides the policies themselves: which published policies apply to
 * a machine (the engine's own target matching, by id and by tag selector), the impact preview
 * over recorded intents, and the suggestions for the editor's pickers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { registerMachine } from "@/lib/machines/repository";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { applicablePolicies } from "@/lib/policies/store/applicable";
import { impactPreview, recordedIntents, type RecordedIntent } from "@/lib/policies/store/impact";
import { createPolicy, publishPolicy, saveDraft } from "@/lib/policies/store/repository";
import { policySuggestions } from "@/lib/policies/store/suggestions";
import { startTestHost, type TestHost } from "../operators/helpers/host";
import { ACTOR, doc, errorCode, publishedPolicy, rule } from "./helpers";

let host: TestHost;
let machine: { id: string; tags: string[] };
let payments: string;
let byId: string;
let everyone: string;
let prodOnly: string;

beforeAll(async () => {
  host = await startTestHost();
  const key = await generateKeyPair(nodeEd25519);
  const m = await writeTransaction(host.db, (tx) => registerMachine(tx, { name: "payout-box", publicKey: key.publicKey.jwk, tags: ["team:payments", "env:prod"], actor: ACTOR, activation: "proof" }));
  machine = { id: m.id, tags: m.tags };
  payments = (await publishedPolicy(host.db, doc("Payments team", [rule()], { tagSelectors: [["team:payments", "env:prod"]] }))).policy.id;
  byId = (await publishedPolicy(host.db, doc("This machine", [rule()], { machines: [m.id] }))).policy.id;
  everyone = (await publishedPolicy(host.db, doc("Everyone", [rule({ id: "deny-crypto", effect: "deny", actions: ["crypto.*"], resources: ["wallets/**"] })]))).policy.id;
  prodOnly = (await publishedPolicy(host.db, doc("Prod and ops", [rule()], { tagSelectors: [["env:prod", "team:ops"]] }))).policy.id;
  // A draft that would target the machine is not in force.
  const draftOnly = await writeTransaction(host.db, (tx) => createPolicy(tx, ACTOR, { name: "Draft only" }));
  await writeTransaction(host.db, (tx) => saveDraft(tx, ACTOR, draftOnly.id, doc("Draft only", [rule({ actions: ["draft.action"], resources: ["draft/resource"] })], { all: true })));
}, 60_000);
afterAll(() => host.close());

describe("applicable policies", () => {
  it("by machine: by id, by a tag selector it fully carries, and all; not a partial selector or a draft", async () => {
    const found = await applicablePolicies(host.db, { machineId: machine.id });
    expect(found.map((p) => p.id).sort()).toEqual([payments, byId, everyone].sort());
    expect(found.find((p) => p.id === payments)).toEqual({ id: payments, name: "Payments team", version: 1 });
  });

  it("by tags alone, and with neither only the policies for every machine", async () => {
    expect((await applicablePolicies(host.db, { tags: ["env:prod", "team:ops"] })).map((p) => p.id).sort()).toEqual([everyone, prodOnly].sort());
    expect((await applicablePolicies(host.db, { tags: ["env:prod"] })).map((p) => p.id)).toEqual([everyone]);
    expect((await applicablePolicies(host.db, {})).map((p) => p.id)).toEqual([everyone]);
  });

  it("follows the version in force", async () => {
    await writeTransaction(host.db, (tx) => publishPolicy(tx, ACTOR, byId, { note: "retarget", document: doc("This machine", [rule()], { machines: ["someone-else"] }) }));
    expect((await applicablePolicies(host.db, { machineId: machine.id })).map((p) => p.id)).not.toContain(byId);
    await writeTransaction(host.db, (tx) => publishPolicy(tx, ACTOR, byId, { note: "back", document: doc("This machine", [rule()], { machines: [machine.id] }) }));
    expect((await applicablePolicies(host.db, { machineId: machine.id })).find((p) => p.id === byId)?.version).toBe(3);
  });

  it("an unknown machine is machine_not_found", async () => {
    expect(await errorCode(applicablePolicies(host.db, { machineId: "nope" }))).toBe("machine_not_found");
  });
});

describe("impact preview", () => {
  it("has no recorded intents yet: evaluates nothing and says so", async () => {
    expect(await recordedIntents(host.db, new Date(0))).toEqual([]);
    const preview = await impactPreview(host.db, everyone, doc("Everyone", []), 24);
    expect(preview).toMatchObject({ evaluated: 0, changed: [], source: "intents" });
    expect(preview.note).toMatch(/No intents are recorded yet/);
  });

  it("replays recorded intents against the draft in place of the version in force and lists changed decisions", async () => {
    const now = new Date();
    const intent = (id: string, action: string, resource: string): RecordedIntent => ({
      id,
      machine: { id: machine.id, name: "payout-box", tags: machine.tags },
      action,
      resource,
      params: {},
      context: { now },
    });
    const intents = [intent("i1", "payments.transfer", "accounts/a/payouts"), intent("i2", "crypto.buy", "wallets/x"), intent("i3", "other.thing", "x")];
    let asked: Date | undefined;
    const source = async (_db: unknown, since: Date) => {
      asked = since;
      return intents;
    };
    // The draft denies transfers on top of what "Everyone" did; crypto stays denied, other.thing stays default-denied.
    const draft = doc("Everyone", [rule({ id: "deny-crypto", effect: "deny", actions: ["crypto.*"], resources: ["wallets/**"] }), rule({ id: "no-transfers", effect: "deny" })]);
    const preview = await impactPreview(host.db, everyone, draft, 48, now, source);
    expect(asked?.getTime()).toBe(now.getTime() - 48 * 3_600_000);
    expect(preview).toEqual({
      evaluated: 3,
      source: "intents",
      changed: [{ intentId: "i1", machine: { id: machine.id, name: "payout-box" }, action: "payments.transfer", resource: "accounts/a/payouts", before: "allow", after: "deny" }],
    });
  });

  it("refuses an invalid document with its issues, a bad period, and an unknown policy", async () => {
    let thrown: unknown;
    await impactPreview(host.db, everyone, { format: "pteri.policy/v1" }, 24).catch((e: unknown) => (thrown = e));
    expect(thrown).toMatchObject({ code: "policy_invalid" });
    expect((thrown as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    for (const hours of [0, 721, 1.5, "24"]) expect(await errorCode(impactPreview(host.db, everyone, doc("Everyone"), hours))).toBe("field_invalid");
    expect(await errorCode(impactPreview(host.db, "nope", doc("Everyone"), 24))).toBe("not_found");
  });
});

describe("suggestions", () => {
  it("lists the actions and resources written in published versions and drafts, sorted and unique", async () => {
    const { actions, resources } = await policySuggestions(host.db);
    expect(actions).toEqual(expect.arrayContaining(["payments.transfer", "crypto.*", "draft.action"]));
    expect(resources).toEqual(expect.arrayContaining(["accounts/*/payouts", "wallets/**", "draft/resource"]));
    expect(actions).toEqual([...new Set(actions)].sort());
  });

  it("reads invalid drafts leniently", async () => {
    const p = await writeTransaction(host.db, (tx) => createPolicy(tx, ACTOR, { name: "Broken draft" }));
    await writeTransaction(host.db, (tx) => saveDraft(tx, ACTOR, p.id, { rules: [{ actions: ["broken.action", 7], resources: "no" }, null, "x"] }));
    const { actions } = await policySuggestions(host.db);
    expect(actions).toContain("broken.action");
  });
});
