/**
 * Two editors must not silently overwrite each other's draft: saveDraft with the
 * draftUpdatedAt the editor started from (null for "no draft") refuses a draft someone else
 * saved, published or discarded meanwhile (conflict, naming who and when) and changes nothing;
 * without a base the last write wins, as before. Also policyName for the policy page's 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { policyName } from "@/lib/policies/store/api";
import { PolicyError } from "@/lib/policies/store/errors";
import { createPolicy, discardDraft, findPolicy, publishPolicy, saveDraft } from "@/lib/policies/store/repository";
import { rejectionOf } from "../helpers/rejection";
import { createOperator, startTestHost, type TestHost, type TestOperator } from "../operators/helpers/host";
import { doc, errorCode, publishedPolicy, rule, snapshot } from "./helpers";

let host: TestHost;
let alice: TestOperator;
let bob: TestOperator;
beforeAll(async () => {
  host = await startTestHost();
  alice = await createOperator(host.db, "Alice Editor", ["editor"]);
  bob = await createOperator(host.db, "Bob Editor", ["editor"]);
}, 60_000);
afterAll(() => host.close());

const as = (op: TestOperator) => ({ type: "operator" as const, id: op.id });
const tx = <T>(work: Parameters<typeof writeTransaction<T>>[1]) => writeTransaction(host.db, work);

const refused = (promise: Promise<unknown>) => rejectionOf(promise, PolicyError);

async function fresh(name: string) {
  const policy = await tx((t) => createPolicy(t, as(alice), { name }));
  return { id: policy.id, base: policy.draftUpdatedAt!.toISOString() };
}

describe("saving a draft over the one the editor started from", () => {
  it("saves when the base is the stored draft's time, and each save moves the time", async () => {
    const { id, base } = await fresh("Base matches");
    const first = await tx((t) => saveDraft(t, as(alice), id, doc("Base matches", [rule()]), new Date(), { baseDraftUpdatedAt: base }));
    expect(first.draftUpdatedAt.getTime()).toBeGreaterThan(new Date(base).getTime());
    const second = await tx((t) => saveDraft(t, as(alice), id, doc("Base matches", [rule({ id: "r2" })]), new Date(), { baseDraftUpdatedAt: first.draftUpdatedAt.toISOString() }));
    expect(second.draftUpdatedAt.getTime()).toBeGreaterThan(first.draftUpdatedAt.getTime());
    expect((await findPolicy(host.db, id))?.draft).toMatchObject({ rules: [{ id: "r2" }] });
  });

  it("refuses a stale base with conflict, naming who saved and when, and changes nothing", async () => {
    const { id, base } = await fresh("Two editors");
    // Both open the draft at `base`; Bob saves first.
    const bobs = await tx((t) => saveDraft(t, as(bob), id, doc("Two editors", [rule({ id: "bobs" })]), new Date(), { baseDraftUpdatedAt: base }));
    const before = await snapshot(host.db);
    const error = await refused(tx((t) => saveDraft(t, as(alice), id, doc("Two editors", [rule({ id: "alices" })]), new Date(), { baseDraftUpdatedAt: base })));
    expect(error.code).toBe("conflict");
    expect(error.message).toBe(
      `The draft of "Two editors" was changed by someone else since you opened it: you started from the draft saved at ${base}, and it was saved by Bob Editor at ${bobs.draftUpdatedAt.toISOString()}. Nothing was saved. Load their version, or save yours again over it.`,
    );
    expect(error.extensions).toEqual({ draftUpdatedAt: bobs.draftUpdatedAt.toISOString(), draftUpdatedBy: { id: bob.id, name: "Bob Editor" } });
    expect(await snapshot(host.db)).toEqual(before);
    expect((await findPolicy(host.db, id))?.draft).toMatchObject({ rules: [{ id: "bobs" }] });

    // "Overwrite with mine": the same save with the current base.
    const mine = await tx((t) => saveDraft(t, as(alice), id, doc("Two editors", [rule({ id: "alices" })]), new Date(), { baseDraftUpdatedAt: error.extensions!.draftUpdatedAt }));
    expect(mine.issues).toEqual([]);
    expect(await findPolicy(host.db, id)).toMatchObject({ draft: { rules: [{ id: "alices" }] }, draftUpdatedById: alice.id, draftUpdatedAt: mine.draftUpdatedAt });
  });

  it("null means 'there was no draft': refused once someone saved one, accepted while there is none", async () => {
    const { policy } = await publishedPolicy(host.db, doc("No draft base"));
    await tx((t) => discardDraft(t, as(alice), policy.id)); // published, nothing unsaved
    expect((await findPolicy(host.db, policy.id))?.draftUpdatedAt).toBeNull();
    const saved = await tx((t) => saveDraft(t, as(bob), policy.id, doc("No draft base", [rule({ id: "bob" })]), new Date(), { baseDraftUpdatedAt: null }));
    const before = await snapshot(host.db);
    const error = await refused(tx((t) => saveDraft(t, as(alice), policy.id, doc("No draft base", [rule({ id: "alice" })]), new Date(), { baseDraftUpdatedAt: null })));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("you started from no draft, and it was saved by Bob Editor at " + saved.draftUpdatedAt.toISOString());
    expect(await snapshot(host.db)).toEqual(before);
  });

  it("a draft published or discarded meanwhile is a conflict too (there is no draft any more)", async () => {
    const { id, base } = await fresh("Published meanwhile");
    const saved = await tx((t) => saveDraft(t, as(alice), id, doc("Published meanwhile", [rule()]), new Date(), { baseDraftUpdatedAt: base }));
    await tx((t) => publishPolicy(t, as(bob), id, { note: "ship it" }));
    const error = await refused(tx((t) => saveDraft(t, as(alice), id, doc("Published meanwhile", [rule({ id: "late" })]), new Date(), { baseDraftUpdatedAt: saved.draftUpdatedAt.toISOString() })));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("it was published or discarded meanwhile, so version 1 is what is in force and there is no draft");
    expect(error.extensions).toEqual({ draftUpdatedAt: null, draftUpdatedBy: null });
    expect((await findPolicy(host.db, id))?.draft).toBeNull();

    // A never-published policy's discard resets the draft (a new time): the old base is stale.
    const other = await fresh("Discarded meanwhile");
    await tx((t) => discardDraft(t, as(bob), other.id, new Date(Date.now() + 5)));
    expect(await errorCode(tx((t) => saveDraft(t, as(alice), other.id, doc("Discarded meanwhile"), new Date(), { baseDraftUpdatedAt: other.base })))).toBe("conflict");
  });

  it("without a base the last write wins (scripts and older clients)", async () => {
    const { id } = await fresh("No base");
    await tx((t) => saveDraft(t, as(bob), id, doc("No base", [rule({ id: "bob" })])));
    await tx((t) => saveDraft(t, as(alice), id, doc("No base", [rule({ id: "alice" })])));
    expect((await findPolicy(host.db, id))?.draft).toMatchObject({ rules: [{ id: "alice" }] });
  });

  it("a base that is not a time is field_invalid", async () => {
    const { id } = await fresh("Bad base");
    const before = await snapshot(host.db);
    for (const bad of ["yesterday", "", 12, "2026-13-45T99:00:00Z", {}]) {
      const error = await refused(tx((t) => saveDraft(t, as(alice), id, doc("Bad base"), new Date(), { baseDraftUpdatedAt: bad })));
      expect(error.code, JSON.stringify(bad)).toBe("field_invalid");
      expect(error.message).toMatch(/^baseDraftUpdatedAt must be the draftUpdatedAt you loaded/);
    }
    expect(await snapshot(host.db)).toEqual(before);
  });

  it("two saves in the same millisecond still get distinct times, so the second editor's base is stale", async () => {
    const { id, base } = await fresh("Same millisecond");
    const at = new Date(new Date(base).getTime() + 1000);
    const first = await tx((t) => saveDraft(t, as(alice), id, doc("Same millisecond", [rule({ id: "a" })]), at, { baseDraftUpdatedAt: base }));
    expect(first.draftUpdatedAt).toEqual(at);
    const second = await tx((t) => saveDraft(t, as(bob), id, doc("Same millisecond", [rule({ id: "b" })]), at, { baseDraftUpdatedAt: at.toISOString() }));
    expect(second.draftUpdatedAt.getTime()).toBe(at.getTime() + 1);
    expect(await errorCode(tx((t) => saveDraft(t, as(alice), id, doc("Same millisecond", [rule({ id: "c" })]), at, { baseDraftUpdatedAt: at.toISOString() })))).toBe("conflict");
  });

  it("of two concurrent saves from the same base, exactly one wins", async () => {
    const { id, base } = await fresh("Concurrent saves");
    const results = await Promise.allSettled(
      [alice, bob].map((op) => tx((t) => saveDraft(t, as(op), id, doc("Concurrent saves", [rule({ id: op === alice ? "alice" : "bob" })]), new Date(), { baseDraftUpdatedAt: base }))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ code: "conflict" });
    const winner = results.findIndex((r) => r.status === "fulfilled");
    expect((await findPolicy(host.db, id))?.draft).toMatchObject({ rules: [{ id: winner === 0 ? "alice" : "bob" }] });
  });
});

describe("policyName (the policy page's 404)", () => {
  it("names an existing policy and is null for unknown, empty or absurd ids", async () => {
    const { id } = await fresh("Has a page");
    expect(await policyName(host.db, id)).toBe("Has a page");
    for (const unknown of ["nope", "", "x".repeat(10_000)]) expect(await policyName(host.db, unknown)).toBeNull();
  });
});
