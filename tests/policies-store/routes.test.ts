/**
 * The Console's policy API, called through its route handlers with session cookies from the
 * real passkey ceremony: admin and editor may create, edit, publish and roll back
 * (policies.write); approver and auditor may only read, and a refused call changes nothing;
 * cross-origin writes are refused. Also the exact response shapes the Console relies on.
 */
import { describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { registerMachine } from "@/lib/machines/repository";
import type { Role } from "@/lib/operators/roles";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import type { RouteHandler } from "@/lib/session/route";
import type { PolicyDetail, PolicyListItem, VersionView } from "@/lib/policies/store/view";
import { GET as listRoute, POST as createRoute } from "@/app/api/policies/route";
import { GET as detailRoute } from "@/app/api/policies/[id]/route";
import { DELETE as discardRoute, PUT as draftRoute } from "@/app/api/policies/[id]/draft/route";
import { POST as publishRoute } from "@/app/api/policies/[id]/publish/route";
import { POST as rollbackRoute } from "@/app/api/policies/[id]/rollback/route";
import { POST as impactRoute } from "@/app/api/policies/[id]/impact/route";
import { GET as versionRoute } from "@/app/api/policies/[id]/versions/[version]/route";
import { GET as suggestionsRoute } from "@/app/api/policies/suggestions/route";
import { GET as applicableRoute } from "@/app/api/policies/applicable/route";
import { setUpRoleHost } from "../operators/helpers/host";
import { ACTOR, doc, rule, snapshot } from "./helpers";

const WRITERS: Role[] = ["admin", "editor"];
const READERS: Role[] = ["approver", "auditor"];

const host = setUpRoleHost();
const { operators, call } = host;

async function body<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return body<{ code: string; detail: string; issues?: { path: unknown[]; pointer: string; at: string; message: string }[] }>(response);
}

async function create(role: Role, name: string): Promise<PolicyDetail> {
  const response = await call(createRoute, "/api/policies", { method: "POST", role, body: { name } });
  expect(response.status).toBe(201);
  return (await body<{ policy: PolicyDetail }>(response)).policy;
}

describe.each(WRITERS)("%s edits, publishes and rolls back", (role) => {
  it("the whole flow, with the shapes the Console uses", async () => {
    const operatorId = operators.get(role)!.id;
    const name = `Flow by ${role}`;
    const created = await create(role, name);
    expect(created).toEqual({
      id: expect.any(String),
      name,
      description: "",
      latestVersion: 0,
      draft: { format: "pteri.policy/v1", name, targets: { all: true }, rules: [] },
      draftUpdatedAt: expect.any(String),
      published: null,
      versions: [],
    });
    const id = created.id;
    const params = { id };

    // An invalid draft is saved, with its issues; publishing it is refused with them.
    const invalid = { ...doc(name), rules: [{ id: "r1", effect: "maybe", actions: ["a"], resources: ["**"] }] };
    let response = await call(draftRoute, `/api/policies/${id}/draft`, { method: "PUT", role, params, body: { document: invalid } });
    expect(response.status).toBe(200);
    const saved = await body<{ draftUpdatedAt: string; issues: { at: string }[] }>(response);
    expect(saved.issues.map((i) => i.at)).toEqual(["rules[0].effect"]);
    response = await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role, params, body: { note: "try" } });
    expect(response.status).toBe(400);
    const refused = await problem(response);
    expect(refused.code).toBe("policy_invalid");
    expect(refused.issues).toEqual([expect.objectContaining({ at: "rules[0].effect", pointer: "/rules/0/effect", path: ["rules", 0, "effect"] })]);

    // A valid draft, then publish without a note (400), then with one (201).
    const v1 = doc(name, [rule()]);
    response = await call(draftRoute, `/api/policies/${id}/draft`, { method: "PUT", role, params, body: { document: v1 } });
    expect((await body<{ issues: unknown[] }>(response)).issues).toEqual([]);
    response = await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role, params, body: {} });
    expect(response.status).toBe(400);
    expect((await problem(response)).code).toBe("note_invalid");
    response = await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role, params, body: { note: "First rules" } });
    expect(response.status).toBe(201);
    const { version } = await body<{ version: VersionView }>(response);
    expect(version).toEqual({
      version: 1,
      document: v1,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      note: "First rules",
      author: { id: operatorId, name: `Only ${role}` },
      createdAt: expect.any(String),
      rolledBackFrom: null,
    });

    // Publish a second version directly, then roll back to the first.
    response = await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role, params, body: { note: "Second", document: doc(name, [rule({ id: "r2" })]) } });
    expect((await body<{ version: VersionView }>(response)).version.version).toBe(2);
    response = await call(rollbackRoute, `/api/policies/${id}/rollback`, { method: "POST", role, params, body: { version: 1, note: "Back to the first" } });
    expect(response.status).toBe(201);
    const rolled = (await body<{ version: VersionView }>(response)).version;
    expect(rolled).toMatchObject({ version: 3, rolledBackFrom: 1, document: v1, digest: version.digest, note: "Back to the first" });

    // The detail, the list, one version.
    response = await call(detailRoute, `/api/policies/${id}`, { role, params });
    const detail = await body<PolicyDetail>(response);
    expect(detail).toMatchObject({ id, name, latestVersion: 3, draft: null, draftUpdatedAt: null, published: { version: 3, document: v1 } });
    expect(detail.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(detail.versions[0]).not.toHaveProperty("document");
    expect(detail.versions[0]).toEqual({ version: 3, digest: version.digest, note: "Back to the first", author: { id: operatorId, name: `Only ${role}` }, createdAt: expect.any(String), rolledBackFrom: 1 });

    response = await call(listRoute, "/api/policies", { role });
    const { policies } = await body<{ policies: PolicyListItem[] }>(response);
    expect(policies.find((p) => p.id === id)).toEqual({ id, name, description: "", latestVersion: 3, hasDraft: false, updatedAt: expect.any(String), publishedAt: rolled.createdAt });

    response = await call(versionRoute, `/api/policies/${id}/versions/2`, { role, params: { id, version: "2" } });
    expect((await body<{ version: VersionView }>(response)).version).toMatchObject({ version: 2, note: "Second", document: { rules: [{ id: "r2" }] } });
    for (const bad of ["9", "0", "abc", "1.5"]) {
      response = await call(versionRoute, `/api/policies/${id}/versions/${bad}`, { role, params: { id, version: bad } });
      expect(response.status, bad).toBe(404);
      expect((await problem(response)).code).toBe("version_not_found");
    }

    // Discard a draft.
    await call(draftRoute, `/api/policies/${id}/draft`, { method: "PUT", role, params, body: { document: { wip: true } } });
    response = await call(discardRoute, `/api/policies/${id}/draft`, { method: "DELETE", role, params });
    expect(response.status).toBe(200);
    expect((await body<{ policy: PolicyDetail }>(response)).policy).toMatchObject({ id, draft: null, latestVersion: 3 });

    // Impact preview (no intents recorded yet).
    response = await call(impactRoute, `/api/policies/${id}/impact`, { method: "POST", role, params, body: { document: v1, sinceHours: 24 } });
    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({ evaluated: 0, changed: [], source: "intents", note: expect.stringMatching(/^No intents are recorded yet/) });
  });
});

describe("refusals", () => {
  it("a taken name is 409 name_taken with a clear message", async () => {
    await create("admin", "Unique name");
    const response = await call(createRoute, "/api/policies", { method: "POST", role: "editor", body: { name: "Unique name" } });
    expect(response.status).toBe(409);
    const p = await problem(response);
    expect(p.code).toBe("name_taken");
    expect(p.detail).toMatch(/already named "Unique name"/);
  });

  it("unknown policies are 404 not_found; malformed bodies are 400", async () => {
    let response = await call(detailRoute, "/api/policies/nope", { role: "auditor", params: { id: "nope" } });
    expect(response.status).toBe(404);
    expect((await problem(response)).code).toBe("not_found");
    response = await call(draftRoute, "/api/policies/nope/draft", { method: "PUT", role: "editor", params: { id: "nope" }, body: {} });
    expect(response.status).toBe(400);
    response = await call(rollbackRoute, "/api/policies/nope/rollback", { method: "POST", role: "editor", params: { id: "nope" }, body: { version: "1", note: "n" } });
    expect(response.status).toBe(400);
    response = await call(impactRoute, "/api/policies/nope/impact", { method: "POST", role: "editor", params: { id: "nope" }, body: { document: {}, sinceHours: 24 } });
    expect(response.status).toBe(404);
  });
});

describe("two editors and one draft", () => {
  it("PUT with a stale baseDraftUpdatedAt is 409 conflict with who and when, and changes nothing; re-sent with the current base it saves", async () => {
    const created = await create("admin", "Shared draft");
    const id = created.id;
    const params = { id };
    const url = `/api/policies/${id}/draft`;
    // Both open the policy: the same base.
    const opened = (await body<PolicyDetail>(await call(detailRoute, `/api/policies/${id}`, { role: "editor", params }))).draftUpdatedAt;
    expect(opened).toBe(created.draftUpdatedAt);

    let response = await call(draftRoute, url, { method: "PUT", role: "admin", params, body: { document: doc("Shared draft", [rule({ id: "admins" })]), baseDraftUpdatedAt: opened } });
    expect(response.status).toBe(200);
    const adminSaved = (await body<{ draftUpdatedAt: string }>(response)).draftUpdatedAt;

    const before = await snapshot(host.db);
    response = await call(draftRoute, url, { method: "PUT", role: "editor", params, body: { document: doc("Shared draft", [rule({ id: "editors" })]), baseDraftUpdatedAt: opened } });
    expect(response.status).toBe(409);
    const conflict = (await problem(response)) as Awaited<ReturnType<typeof problem>> & { draftUpdatedAt: string | null; draftUpdatedBy: { id: string; name: string | null } | null };
    expect(conflict.code).toBe("conflict");
    expect(conflict.detail).toMatch(/^The draft of "Shared draft" was changed by someone else since you opened it: .* saved by Only admin at /);
    expect(conflict.draftUpdatedAt).toBe(adminSaved);
    expect(conflict.draftUpdatedBy).toEqual({ id: operators.get("admin")!.id, name: "Only admin" });
    expect(await snapshot(host.db)).toEqual(before);
    expect((await body<PolicyDetail>(await call(detailRoute, `/api/policies/${id}`, { role: "editor", params }))).draft).toMatchObject({ rules: [{ id: "admins" }] });

    // "Overwrite with mine": the same document with the base from the conflict.
    response = await call(draftRoute, url, { method: "PUT", role: "editor", params, body: { document: doc("Shared draft", [rule({ id: "editors" })]), baseDraftUpdatedAt: conflict.draftUpdatedAt } });
    expect(response.status).toBe(200);
    const detail = await body<PolicyDetail>(await call(detailRoute, `/api/policies/${id}`, { role: "admin", params }));
    expect(detail).toMatchObject({ draft: { rules: [{ id: "editors" }] }, draftUpdatedAt: (await body<{ draftUpdatedAt: string }>(response)).draftUpdatedAt });

    // null = "no draft": refused while there is one.
    response = await call(draftRoute, url, { method: "PUT", role: "admin", params, body: { document: doc("Shared draft"), baseDraftUpdatedAt: null } });
    expect(response.status).toBe(409);
    expect((await problem(response)).code).toBe("conflict");

    // Not a string or null: 400 before anything is read; a string that is not a time: 400 field_invalid.
    response = await call(draftRoute, url, { method: "PUT", role: "admin", params, body: { document: doc("Shared draft"), baseDraftUpdatedAt: 12 } });
    expect(response.status).toBe(400);
    expect((await problem(response)).code).toBe("invalid_request");
    response = await call(draftRoute, url, { method: "PUT", role: "admin", params, body: { document: doc("Shared draft"), baseDraftUpdatedAt: "last tuesday" } });
    expect(response.status).toBe(400);
    expect((await problem(response)).code).toBe("field_invalid");

    // Left out: no check (the last write wins, as before).
    response = await call(draftRoute, url, { method: "PUT", role: "admin", params, body: { document: doc("Shared draft", [rule({ id: "last" })]) } });
    expect(response.status).toBe(200);
  });
});

describe.each(READERS)("%s may only read", (role) => {
  it("every write is 403 forbidden and changes nothing; reads answer", async () => {
    const target = await create("admin", `Read only for ${role}`);
    const id = target.id;
    const params = { id };
    await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role: "admin", params, body: { note: "v1", document: doc(target.name, [rule()]) } });
    await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role: "admin", params, body: { note: "v2", document: doc(target.name, [rule({ id: "r2" })]) } });
    await call(draftRoute, `/api/policies/${id}/draft`, { method: "PUT", role: "admin", params, body: { document: doc(target.name, [rule({ id: "draft" })]) } });

    const before = await snapshot(host.db);
    const writes: [RouteHandler, string, string, unknown][] = [
      [createRoute, "/api/policies", "POST", { name: `by ${role}` }],
      [draftRoute, `/api/policies/${id}/draft`, "PUT", { document: doc(target.name) }],
      [discardRoute, `/api/policies/${id}/draft`, "DELETE", undefined],
      [publishRoute, `/api/policies/${id}/publish`, "POST", { note: "sneaky" }],
      [rollbackRoute, `/api/policies/${id}/rollback`, "POST", { version: 1, note: "sneaky" }],
    ];
    for (const [handler, path, method, payload] of writes) {
      const response = await call(handler, path, { method, role, params, body: payload });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await problem(response)).code).toBe("forbidden");
    }
    expect(await snapshot(host.db)).toEqual(before);

    expect((await call(listRoute, "/api/policies", { role })).status).toBe(200);
    const detail = await body<PolicyDetail>(await call(detailRoute, `/api/policies/${id}`, { role, params }));
    expect(detail).toMatchObject({ latestVersion: 2, draft: { rules: [{ id: "draft" }] } });
    expect((await call(versionRoute, `/api/policies/${id}/versions/1`, { role, params: { id, version: "1" } })).status).toBe(200);
    expect((await call(suggestionsRoute, "/api/policies/suggestions", { role })).status).toBe(200);
    expect((await call(applicableRoute, "/api/policies/applicable", { role })).status).toBe(200);
    expect((await call(impactRoute, `/api/policies/${id}/impact`, { method: "POST", role, params, body: { document: doc(target.name), sinceHours: 1 } })).status).toBe(200);
    expect(await snapshot(host.db)).toEqual(before);
  });
});

describe("anonymous and cross-origin callers", () => {
  it("anonymous calls are 401; cross-origin or origin-less writes are 403 cross_origin even for an admin; nothing changes", async () => {
    const target = await create("admin", "Origin checks");
    const id = target.id;
    const params = { id };
    await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role: "admin", params, body: { note: "v1", document: doc(target.name, [rule()]) } });
    await call(publishRoute, `/api/policies/${id}/publish`, { method: "POST", role: "admin", params, body: { note: "v2", document: doc(target.name, [rule({ id: "r2" })]) } });
    const before = await snapshot(host.db);
    const writes: [RouteHandler, string, string, unknown][] = [
      [createRoute, "/api/policies", "POST", { name: "cross" }],
      [draftRoute, `/api/policies/${id}/draft`, "PUT", { document: doc(target.name) }],
      [discardRoute, `/api/policies/${id}/draft`, "DELETE", undefined],
      [publishRoute, `/api/policies/${id}/publish`, "POST", { note: "cross", document: doc(target.name, [rule({ id: "x" })]) }],
      [rollbackRoute, `/api/policies/${id}/rollback`, "POST", { version: 1, note: "cross" }],
      [impactRoute, `/api/policies/${id}/impact`, "POST", { document: doc(target.name), sinceHours: 1 }],
    ];
    for (const [handler, path, method, payload] of writes) {
      for (const origin of ["https://attacker.example", null]) {
        const response = await call(handler, path, { method, role: "admin", params, body: payload, origin });
        expect(response.status, `${method} ${path} from ${origin}`).toBe(403);
        expect((await problem(response)).code).toBe("cross_origin");
      }
      const anonymous = await call(handler, path, { method, params, body: payload });
      expect(anonymous.status).toBe(401);
    }
    expect((await call(listRoute, "/api/policies")).status).toBe(401);
    expect(await snapshot(host.db)).toEqual(before);
  });
});

describe("applicable policies for the machine page", () => {
  it("by machineId (id and tags) and by tag; unknown machine 404", async () => {
    const key = await generateKeyPair(nodeEd25519);
    const machine = await writeTransaction(host.db, (tx) => registerMachine(tx, { name: "applicable-box", publicKey: key.publicKey.jwk, tags: ["team:x", "env:y"], actor: ACTOR, activation: "proof" }));
    const byTag = await create("admin", "By tag");
    await call(publishRoute, `/api/policies/${byTag.id}/publish`, { method: "POST", role: "admin", params: { id: byTag.id }, body: { note: "v1", document: doc("By tag", [rule()], { tagSelectors: [["team:x", "env:y"]] }) } });
    const byId = await create("admin", "By id");
    await call(publishRoute, `/api/policies/${byId.id}/publish`, { method: "POST", role: "admin", params: { id: byId.id }, body: { note: "v1", document: doc("By id", [rule()], { machines: [machine.id] }) } });

    let response = await call(applicableRoute, `/api/policies/applicable?machineId=${machine.id}`, { role: "auditor" });
    const { policies } = await body<{ policies: { id: string; name: string; version: number }[] }>(response);
    expect(policies.filter((p) => [byTag.id, byId.id].includes(p.id)).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { id: byId.id, name: "By id", version: 1 },
      { id: byTag.id, name: "By tag", version: 1 },
    ]);
    response = await call(applicableRoute, "/api/policies/applicable?tag=team:x&tag=env:y", { role: "auditor" });
    expect((await body<{ policies: { id: string }[] }>(response)).policies.map((p) => p.id)).toContain(byTag.id);
    response = await call(applicableRoute, "/api/policies/applicable?tag=team:x", { role: "auditor" });
    expect((await body<{ policies: { id: string }[] }>(response)).policies.map((p) => p.id)).not.toContain(byTag.id);
    response = await call(applicableRoute, "/api/policies/applicable?machineId=nope", { role: "auditor" });
    expect(response.status).toBe(404);
    expect((await problem(response)).code).toBe("machine_not_found");
  });
});
