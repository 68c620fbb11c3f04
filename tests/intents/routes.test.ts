/**
 * The intents endpoints end to end, through the route handlers of a throwaway Console host
 * (its public URL, its real clock, its database) with real signed requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContentDigest } from "@/lib/protocol/digest";
import type { IntentAnswer } from "@/lib/intents/wire";
import { INTENTS_PATH } from "@/lib/intents/wire";
import type { GeneratedKeyPair } from "@/lib/protocol/keys";
import { POST as submitRoute } from "@/app/api/v1/intents/route";
import { GET as readRoute } from "@/app/api/v1/intents/[id]/route";
import { enroll, problemOf, signedRequest, type Enrolled } from "../auth/helpers";
import { ORIGIN, startTestHost, type TestHost } from "../operators/helpers/host";
import { auditOf, counts, intentDoc, policyDoc, publish, rule } from "./helpers";

let host: TestHost;
let owner: Enrolled;
let other: Enrolled;

beforeAll(async () => {
  host = await startTestHost();
  owner = await enroll(host.db, "route-owner");
  other = await enroll(host.db, "route-other");
  await publish(
    host.db,
    policyDoc("Routes", [
      rule({ id: "deploys" }),
      rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } }),
    ]),
  );
});
afterAll(() => host.close());

const realClock = { now: () => Date.now() / 1000 };

async function signed(key: GeneratedKeyPair, path: string, body?: string) {
  return (await signedRequest(key, { url: `${ORIGIN}${path}`, method: body === undefined ? "GET" : "POST", body, sign: realClock })).make();
}
const submit = async (who: Enrolled, body: string) => submitRoute(await signed(who.key, INTENTS_PATH, body));
const read = async (who: Enrolled, id: string, query = "") => readRoute(await signed(who.key, `${INTENTS_PATH}/${encodeURIComponent(id)}${query}`));

describe("POST /api/v1/intents", () => {
  it("201 with id, hash, status, the deciding rule and reason, expiry; the same again: 200, same intent", async () => {
    const body = JSON.stringify(intentDoc({ nonce: "route-1" }));
    const first = await submit(owner, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const answer = (await first.json()) as IntentAnswer;
    expect(first.headers.get("location")).toBe(`${INTENTS_PATH}/${answer.id}`);
    expect(answer).toMatchObject({ status: "allowed", decision: { decision: "allow", reason: "allowed", rules: [{ ruleId: "deploys", policyVersion: 1 }] } });
    expect(answer.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(answer.expiresAt!)).toBeGreaterThan(Date.now());
    const before = await counts(host.db);
    const again = await submit(owner, JSON.stringify(JSON.parse(body), null, 1));
    expect(again.status).toBe(200);
    expect(((await again.json()) as IntentAnswer).id).toBe(answer.id);
    expect(await counts(host.db)).toEqual(before);
  });

  it("bad input: problem+json with the path, nothing stored", async () => {
    const before = await counts(host.db);
    const bad = await submit(owner, JSON.stringify({ ...intentDoc(), execute: { method: "POST", targetUri: "https://elsewhere.example/x", contentDigest: null } }));
    const p = await problemOf(bad);
    expect(p.status).toBe(400);
    expect(p.contentType).toBe("application/problem+json");
    expect(p.body).toMatchObject({ code: "intent_invalid", type: "https://pteri.dev/problems/intent_invalid", path: ["execute", "targetUri"] });
    expect(String(p.body.detail)).toContain("execute.targetUri");
    expect((await problemOf(await submit(owner, "[1]"))).body.code).toBe("body_invalid");
    expect(await counts(host.db)).toEqual(before);
  });

  it("an unsigned request is refused before anything else", async () => {
    const response = await submitRoute(new Request(`${ORIGIN}${INTENTS_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(intentDoc()) }));
    expect(response.status).toBe(401);
  });

  it("the submission's entry links the signed request: its Content-Digest is the digest of the body kept", async () => {
    const body = JSON.stringify(intentDoc({ nonce: "route-evidence" }), null, 2);
    const answer = (await (await submit(owner, body)).json()) as IntentAnswer;
    const entry = (await auditOf(host.db, "intent.submitted")).find((e) => e.subjects.intent === answer.id)!;
    const request = (await auditOf(host.db, "machine.request")).find((e) => e.seq === entry.evidence.requestSeq)!;
    expect(request.actor.id).toBe(owner.key.publicKey.keyId);
    expect(request.evidence.contentDigest).toBe(createContentDigest(entry.evidence.body as string));
    expect(entry.evidence.hash).toBe(answer.hash);
  });
});

describe("GET /api/v1/intents/:id", () => {
  let pendingId = "";
  beforeAll(async () => {
    const r = await submit(owner, JSON.stringify(intentDoc({ action: "payments.transfer", resource: "accounts/1", nonce: "route-pending" })));
    pendingId = ((await r.json()) as IntentAnswer).id;
  });

  it("the owner: 200 with the state; another machine: 404, like an unknown id", async () => {
    const mine = await read(owner, pendingId);
    expect(mine.status).toBe(200);
    expect((await mine.json()) as IntentAnswer).toMatchObject({ id: pendingId, status: "pending", approvals: { required: 1, received: 0 } });
    const theirs = await problemOf(await read(other, pendingId));
    const unknown = await problemOf(await read(other, "does-not-exist"));
    expect([theirs.status, theirs.body.code]).toEqual([404, "not_found"]);
    expect([unknown.status, unknown.body.code]).toEqual([404, "not_found"]);
  });

  it("?wait: bad values are 400 query_invalid; a decision during the wait answers at once", async () => {
    expect((await problemOf(await read(owner, pendingId, "?wait=0"))).body.code).toBe("query_invalid");
    expect((await problemOf(await read(owner, pendingId, "?wait=61"))).body.code).toBe("query_invalid");
    const started = Date.now();
    // (A Prisma query runs only once awaited: `then` starts it.)
    setTimeout(() => void host.db.intent.update({ where: { id: pendingId }, data: { status: "approved" } }).then(() => undefined), 700);
    const response = await read(owner, pendingId, "?wait=20");
    expect(response.status).toBe(200);
    expect(((await response.json()) as IntentAnswer).status).toBe("approved");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
