/**
 * The policy store: creation, drafts (saved even when invalid), publishing with a required
 * note, rollback, version history, immutability enforced by the database, the audit trail
 * (full document and digest, in the same transaction), the published set in force, and
 * concurrent publications.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { compilePolicies, evaluate, policyDigest } from "@/lib/policies";
import { POLICY_EVENTS } from "@/lib/policies/store/events";
import {
  createPolicy,
  discardDraft,
  findPolicy,
  listPolicies,
  listVersions,
  publishedPolicies,
  publishPolicy,
  requireVersion,
  rollbackPolicy,
  saveDraft,
} from "@/lib/policies/store/repository";
import { startTestHost, type TestHost } from "../operators/helpers/host";
import { ACTOR, auditEntries, doc, errorCode, publishedPolicy, rule, snapshot } from "./helpers";

const run = promisify(execFile);
const WORKER = path.join(import.meta.dirname, "fixtures", "publish-many.ts");

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(() => host.close());

const tx = <T>(work: Parameters<typeof writeTransaction<T>>[1]) => writeTransaction(host.db, work);

describe("creating policies", () => {
  it("starts with a valid empty draft, version 0, and an audit entry", async () => {
    const policy = await tx((t) => createPolicy(t, ACTOR, { name: "  Created  ", description: "About it." }));
    expect(policy).toMatchObject({ name: "Created", description: "About it.", latestVersion: 0, createdById: ACTOR.id });
    expect(policy.draft).toEqual({ format: "pteri.policy/v1", name: "Created", description: "About it.", targets: { all: true }, rules: [] });
    const [entry] = (await auditEntries(host.db, POLICY_EVENTS.created)).filter((e) => e.evidence.policyId === policy.id);
    expect(entry).toMatchObject({ actor: ACTOR, evidence: { name: "Created" } });
  });

  it("refuses a taken name (409) and bad names, and changes nothing", async () => {
    await tx((t) => createPolicy(t, ACTOR, { name: "Taken" }));
    const before = await snapshot(host.db);
    expect(await errorCode(tx((t) => createPolicy(t, ACTOR, { name: "Taken" })))).toBe("name_taken");
    expect(await errorCode(tx((t) => createPolicy(t, ACTOR, { name: "   " })))).toBe("name_invalid");
    expect(await errorCode(tx((t) => createPolicy(t, ACTOR, { name: "x".repeat(101) })))).toBe("name_invalid");
    expect(await errorCode(tx((t) => createPolicy(t, ACTOR, { name: "two\nlines" })))).toBe("name_invalid");
    expect(await snapshot(host.db)).toEqual(before);
  });
});

describe("drafts and publishing", () => {
  it("saves an invalid draft with its issues, never publishes it, and the version in force stays", async () => {
    const { policy, version } = await publishedPolicy(host.db, doc("Stays in force"));
    const inForce = await publishedPolicies(host.db);

    const broken = { ...doc("Stays in force"), rules: [{ id: "r1", effect: "allow", actions: ["payments.transfer"], resources: [], condtions: [] }] };
    const saved = await tx((t) => saveDraft(t, ACTOR, policy.id, broken));
    expect(saved.issues.map((i) => i.at)).toEqual(expect.arrayContaining(["rules[0].resources", "rules[0].condtions"]));
    expect((await findPolicy(host.db, policy.id))?.draft).toEqual(broken);

    const before = await snapshot(host.db);
    let thrown: unknown;
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "try it" })).catch((e: unknown) => (thrown = e));
    expect(thrown).toMatchObject({ code: "policy_invalid", issues: saved.issues });
    expect(await errorCode(tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "json garbage", document: "not a policy" })))).toBe("policy_invalid");
    expect(await snapshot(host.db)).toEqual(before);
    expect(await publishedPolicies(host.db)).toEqual(inForce);
    expect(inForce.find((p) => p.id === policy.id)).toMatchObject({ version: version.version });
  });

  it("publishes the draft as an immutable version with author, time, note and digest, and clears the draft", async () => {
    const policy = await tx((t) => createPolicy(t, ACTOR, { name: "Payments" }));
    const document = doc("Payments", [rule(), rule({ id: "no-crypto", effect: "deny", actions: ["*"], resources: ["**"] })]);
    expect((await tx((t) => saveDraft(t, ACTOR, policy.id, document))).issues).toEqual([]);
    const at = new Date("2026-12-01T10:00:00Z");
    const version = await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "  Allow transfers, never crypto.  " }, at));
    expect(version).toMatchObject({ version: 1, note: "Allow transfers, never crypto.", authorId: ACTOR.id, createdAt: at, rolledBackFrom: null, digest: policyDigest(document), document });
    const after = await findPolicy(host.db, policy.id);
    expect(after).toMatchObject({ latestVersion: 1, draft: null, draftUpdatedAt: null });
  });

  it("records the publication in the audit log with the full document and digest", async () => {
    const document = doc("Audited", [rule({ id: "audited-rule" })]);
    const { policy, version } = await publishedPolicy(host.db, document, "why: audit test");
    const [entry] = (await auditEntries(host.db, POLICY_EVENTS.published)).filter((e) => e.subjects.policyVersion === `${policy.id}@1`);
    expect(entry).toBeDefined();
    expect(entry!.actor).toEqual(ACTOR);
    expect(entry!.evidence).toEqual({ policyId: policy.id, name: "Audited", version: 1, previousVersion: 0, digest: version.digest, note: "why: audit test", author: ACTOR.id, document });
    expect(version.digest).toBe(policyDigest(document));
  });

  it("requires a change note of 1 to 500 characters, and a draft to publish", async () => {
    const policy = await tx((t) => createPolicy(t, ACTOR, { name: "Noted" }));
    const before = await snapshot(host.db);
    for (const note of [undefined, "", "   ", "x".repeat(501)]) {
      expect(await errorCode(tx((t) => publishPolicy(t, ACTOR, policy.id, { note })))).toBe("note_invalid");
    }
    expect(await snapshot(host.db)).toEqual(before);
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "x".repeat(500) }));
    expect(await errorCode(tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "again" })))).toBe("nothing_to_publish");
    expect(await errorCode(tx((t) => publishPolicy(t, ACTOR, "nope", { note: "n" })))).toBe("not_found");
  });

  it("renames the policy to its published document's name, refusing a name in use", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Old name"));
    await publishedPolicy(host.db, doc("Other name"));
    const before = await snapshot(host.db);
    expect(await errorCode(tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "rename", document: doc("Other name") })))).toBe("name_taken");
    expect(await snapshot(host.db)).toEqual(before);
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "rename", document: { ...doc("New name"), description: "Renamed." } }));
    expect(await findPolicy(host.db, policy.id)).toMatchObject({ name: "New name", description: "Renamed.", latestVersion: 2 });
  });

  it("discards a draft; a never-published policy goes back to the empty document", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Discarded"));
    await tx((t) => saveDraft(t, ACTOR, policy.id, { anything: true }));
    expect((await tx((t) => discardDraft(t, ACTOR, policy.id))).draft).toBeNull();
    const fresh = await tx((t) => createPolicy(t, ACTOR, { name: "Fresh" }));
    await tx((t) => saveDraft(t, ACTOR, fresh.id, { anything: true }));
    expect((await tx((t) => discardDraft(t, ACTOR, fresh.id))).draft).toEqual(fresh.draft);
  });

  it("keeps an unrelated draft when a document is published explicitly, clears it when it is the same", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Explicit"));
    const draft = doc("Explicit", [rule({ id: "draft-rule" })]);
    await tx((t) => saveDraft(t, ACTOR, policy.id, draft));
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "other", document: doc("Explicit", [rule({ id: "other" })]) }));
    expect((await findPolicy(host.db, policy.id))?.draft).toEqual(draft);
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "same", document: JSON.parse(JSON.stringify(draft)) }));
    expect((await findPolicy(host.db, policy.id))?.draft).toBeNull();
  });
});

describe("versions and rollback", () => {
  it("rolls back by republishing an older document as a new version, audited", async () => {
    const v1doc = doc("Rolled", [rule({ id: "v1" })]);
    const { policy } = await publishedPolicy(host.db, v1doc);
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "v2", document: doc("Rolled", [rule({ id: "v2" })]) }));
    const v3 = await tx((t) => rollbackPolicy(t, ACTOR, policy.id, { version: 1, note: "v2 broke payouts" }));
    expect(v3).toMatchObject({ version: 3, rolledBackFrom: 1, document: v1doc, digest: policyDigest(v1doc), note: "v2 broke payouts" });
    expect((await publishedPolicies(host.db)).find((p) => p.id === policy.id)).toEqual({ id: policy.id, version: 3, document: v1doc });
    const [entry] = (await auditEntries(host.db, POLICY_EVENTS.rolledBack)).filter((e) => e.subjects.policyVersion === `${policy.id}@3`);
    expect(entry?.evidence).toMatchObject({ version: 3, previousVersion: 2, rolledBackFrom: 1, document: v1doc, digest: v3.digest, note: "v2 broke payouts", author: ACTOR.id });

    const versions = await listVersions(host.db, policy.id);
    expect(versions.map((v) => [v.version, v.rolledBackFrom])).toEqual([
      [3, 1],
      [2, null],
      [1, null],
    ]);
    expect((await requireVersion(host.db, policy.id, 2)).document.rules[0]?.id).toBe("v2");
  });

  it("refuses rolling back to the version in force, to a missing version, or without a note", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Refusals"));
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "v2", document: doc("Refusals", [rule({ id: "v2" })]) }));
    const before = await snapshot(host.db);
    expect(await errorCode(tx((t) => rollbackPolicy(t, ACTOR, policy.id, { version: 2, note: "n" })))).toBe("version_in_force");
    expect(await errorCode(tx((t) => rollbackPolicy(t, ACTOR, policy.id, { version: 9, note: "n" })))).toBe("version_not_found");
    expect(await errorCode(tx((t) => rollbackPolicy(t, ACTOR, policy.id, { version: 0, note: "n" })))).toBe("field_invalid");
    expect(await errorCode(tx((t) => rollbackPolicy(t, ACTOR, policy.id, { version: 1, note: " " })))).toBe("note_invalid");
    expect(await snapshot(host.db)).toEqual(before);
  });

  it("the database refuses to change or delete a published version", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Immutable"));
    const before = await host.db.policyVersion.findMany({ where: { policyId: policy.id } });
    await expect(host.db.$executeRaw`UPDATE "PolicyVersion" SET "note" = 'tampered' WHERE "policyId" = ${policy.id}`).rejects.toThrow(/immutable/);
    await expect(host.db.$executeRaw`UPDATE "PolicyVersion" SET "document" = '{}' WHERE "policyId" = ${policy.id}`).rejects.toThrow(/immutable/);
    await expect(host.db.$executeRaw`DELETE FROM "PolicyVersion" WHERE "policyId" = ${policy.id}`).rejects.toThrow(/immutable/);
    await expect(host.db.policyVersion.deleteMany({ where: { policyId: policy.id } })).rejects.toThrow();
    expect(await host.db.policyVersion.findMany({ where: { policyId: policy.id } })).toEqual(before);
  });

  it("version numbers are unique per policy in the database", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Unique versions"));
    await expect(
      host.db.policyVersion.create({ data: { policyId: policy.id, version: 1, document: "{}", digest: "x", note: "dup", authorId: ACTOR.id } }),
    ).rejects.toThrow();
  });
});

describe("the published set in force", () => {
  it("is the latest version of every published policy, and compiles", async () => {
    const never = await tx((t) => createPolicy(t, ACTOR, { name: "Never published" }));
    const { policy } = await publishedPolicy(host.db, doc("Set member", [rule({ id: "old" })]));
    await tx((t) => publishPolicy(t, ACTOR, policy.id, { note: "v2", document: doc("Set member", [rule({ id: "new", effect: "deny" })]) }));
    const set = await publishedPolicies(host.db);
    expect(set.some((p) => p.id === never.id)).toBe(false);
    expect(set.find((p) => p.id === policy.id)).toMatchObject({ version: 2, document: { rules: [{ id: "new" }] } });
    expect(new Set(set.map((p) => p.id)).size).toBe(set.length);
    const decision = evaluate(compilePolicies(set), { machine: { id: "m", tags: [] }, action: "payments.transfer", resource: "accounts/a/payouts", params: {}, context: { now: new Date() } });
    expect(decision.decision).toBe("deny");
    expect(decision.decidedBy).toContainEqual(expect.objectContaining({ policyId: policy.id, policyVersion: 2, ruleId: "new" }));
  });

  it("lists policies by name with their draft state and publication time", async () => {
    const list = await listPolicies(host.db);
    expect(list.map((p) => p.name)).toEqual([...list.map((p) => p.name)].sort());
    const never = list.find((p) => p.name === "Never published");
    expect(never).toMatchObject({ latestVersion: 0, publishedAt: null });
    expect(never?.draft).not.toBeNull();
  });
});

describe("concurrent publications", () => {
  it("two publishes of the same policy at once become N+1 and N+2, on one client", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Race one"));
    const results = await Promise.all(
      ["a", "b"].map((id) => writeTransaction(host.db, (t) => publishPolicy(t, ACTOR, policy.id, { note: `publish ${id}`, document: doc("Race one", [rule({ id })]) }))),
    );
    expect(results.map((v) => v.version).sort()).toEqual([2, 3]);
    expect((await listVersions(host.db, policy.id)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await findPolicy(host.db, policy.id))?.latestVersion).toBe(3);
  });

  // Clients in ONE process cannot write at the same time (better-sqlite3 waits for the lock
  // synchronously, blocking the holder's commit): instances are processes.
  it("three processes publishing and rolling back the same policy at once never lose or duplicate a version", async () => {
    const { policy } = await publishedPolicy(host.db, doc("Race many"));
    const count = 6;
    const base = { databaseUrl: loadConfig().databaseUrl, policyId: policy.id, name: "Race many", count, startAt: Date.now() + 6000 };
    const outputs = await Promise.all(
      ["p1", "p2", "p3"].map((label) => run(process.execPath, ["--import", "tsx", WORKER, JSON.stringify({ ...base, label })], { cwd: process.cwd(), timeout: 50_000 })),
    );
    const results = outputs.flatMap((o) => JSON.parse(o.stdout.trim().split("\n").at(-1) ?? "[]") as (number | string)[]);
    expect(results.filter((r) => typeof r !== "number")).toEqual([]);
    const versions = (results as number[]).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 3 * count }, (_, i) => i + 2));
    expect((await listVersions(host.db, policy.id)).map((v) => v.version)).toEqual(Array.from({ length: 3 * count + 1 }, (_, i) => 3 * count + 1 - i));
    expect((await findPolicy(host.db, policy.id))?.latestVersion).toBe(3 * count + 1);
    const entries = [...(await auditEntries(host.db, POLICY_EVENTS.published)), ...(await auditEntries(host.db, POLICY_EVENTS.rolledBack))].filter((e) => e.evidence.policyId === policy.id);
    expect(entries.map((e) => Number(e.evidence.version)).sort((a, b) => a - b)).toEqual([1, ...versions]);
    // Each entry's previousVersion is the version before it: the versions form one chain.
    for (const e of entries) expect(e.evidence.previousVersion).toBe(Number(e.evidence.version) - 1);
    // The processes really interleaved: versions 2… did not all go to one process in a block.
    const owners = (await listVersions(host.db, policy.id)).reverse().slice(1).map((v) => v.note.split(" ")[1]!.split("-")[0]);
    console.log(`policy publish race, process per version: ${owners.join(" ")}`);
  }, 60_000);
});
