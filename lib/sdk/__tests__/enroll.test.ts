import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, generateKeyPair } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { createSignedFetch, enrollMachine, jsonBody, PteriSdkError, PteriServerError, rekeyMachine, serverBaseUrl } from "../node";
import * as portable from "../index";
import { startFakeConsole, type FakeConsole } from "./fake-console";

const newKey = () => generateKeyPair(nodeEd25519);
let fake: FakeConsole;

beforeAll(async () => {
  fake = await startFakeConsole();
});
afterAll(() => fake.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("enrollMachine", () => {
  it("enrolls with a request signed by the new key over the ticket and the public key", async () => {
    const key = await newKey();
    const ticket = fake.ticket();
    const result = await enrollMachine({ server: fake.url, ticket, key: key.privatePem, backend: nodeEd25519 });
    expect(result).toMatchObject({ keyId: key.publicKey.keyId, fingerprint: fingerprint(key.publicKey.keyId), status: "pending", confirmationRequired: true });
    expect(fake.machines.get(result.machineId)?.keyId).toBe(key.publicKey.keyId);
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen.verified.keyId).toBe(key.publicKey.keyId);
    expect(seen.verified.components).toEqual(["@method", "@target-uri", "content-digest", "content-type"]);
    expect(seen.verified.params).toMatchObject({ alg: "ed25519", keyid: key.publicKey.keyId });
    expect(seen.verified.params.nonce).toMatch(/^[\w-]{22}$/);
    expect(JSON.parse(seen.body)).toEqual({ ticket, publicKey: key.publicKey.jwk });
    expect(seen.headers["content-type"]).toBe("application/json");
  });

  it("reports a ticket without confirmation as active, on the portable entry (noble) too", async () => {
    const key = await newKey();
    const result = await portable.enrollMachine({ server: `${fake.url}/`, ticket: fake.ticket({ confirm: false }), key: key.seed });
    expect(result).toMatchObject({ status: "active", confirmationRequired: false, keyId: key.publicKey.keyId });
  });

  it("refuses a malformed ticket before sending anything", async () => {
    const before = fake.requests.length;
    for (const ticket of ["", "pteri_et_short", `xx${fake.ticket().slice(2)}`, `${fake.ticket()} `]) {
      const error = await rejection(enrollMachine({ server: fake.url, ticket, key: (await newKey()).seed }));
      expect(error).toBeInstanceOf(PteriSdkError);
      expect((error as PteriSdkError).code).toBe("invalid_argument");
    }
    expect(fake.requests.length).toBe(before);
  });

  it("turns a refusal into PteriServerError with the problem's code and detail (used ticket, enrolled key)", async () => {
    const ticket = fake.ticket();
    const first = await newKey();
    await enrollMachine({ server: fake.url, ticket, key: first.seed });
    const reused = await rejection(enrollMachine({ server: fake.url, ticket, key: (await newKey()).seed }));
    expect(reused).toBeInstanceOf(PteriServerError);
    expect(reused).toMatchObject({ status: 400, code: "ticket_invalid" });
    expect((reused as PteriServerError).detail).toMatch(/not valid/);
    const again = await rejection(enrollMachine({ server: fake.url, ticket: fake.ticket(), key: first.seed }));
    expect(again).toMatchObject({ status: 409, code: "key_already_enrolled" });
  });

  it("needs the Console's base URL: a query, credentials or other scheme is refused; a path prefix is kept", () => {
    expect(serverBaseUrl("https://pteri.example.com/")).toBe("https://pteri.example.com");
    expect(serverBaseUrl("http://localhost:3000")).toBe("http://localhost:3000");
    expect(serverBaseUrl("https://example.com/pteri/")).toBe("https://example.com/pteri");
    for (const bad of ["pteri.example.com", "ftp://x.example", "https://x.example/?a=1", "https://x.example/#f", "https://u:p@x.example"]) {
      expect(() => serverBaseUrl(bad)).toThrow(PteriSdkError);
    }
  });

  it("uses the given fetch, and refuses a 2xx answer that does not name the enrolled key", async () => {
    const key = await newKey();
    const sent: Request[] = [];
    const fetchStub = async (input: RequestInfo | URL) => {
      sent.push(input as Request);
      return Response.json({ machine: { id: "m1", status: "active", keyId: "someone-else" } }, { status: 201 });
    };
    const error = await rejection(enrollMachine({ server: "https://pteri.example.com", ticket: fake.ticket(), key: key.seed, fetch: fetchStub as typeof fetch }));
    expect(error).toMatchObject({ code: "response_invalid", status: 201 });
    expect(sent[0]?.url).toBe("https://pteri.example.com/api/v1/enroll");
    expect(sent[0]?.headers.get("signature-input")).toMatch(/keyid="[\w-]{43}"/);
    const html = await rejection(
      enrollMachine({ server: "https://pteri.example.com", ticket: fake.ticket(), key: key.seed, fetch: (async () => new Response("<html>", { status: 502, statusText: "Bad Gateway" })) as typeof fetch }),
    );
    expect(html).toMatchObject({ status: 502, code: "http_502", detail: "HTTP 502 Bad Gateway" });
  });
});

describe("rekeyMachine", () => {
  it("signs with the current key, proves the new one, and the old key is revoked afterwards", async () => {
    const old = await newKey();
    const next = await newKey();
    const machine = fake.addMachine(old.publicKey.jwk);
    const result = await rekeyMachine({ server: fake.url, key: old.privatePem, newKey: next.privateJwk, backend: nodeEd25519 });
    expect(result).toEqual({
      machineId: machine.id,
      oldKeyId: old.publicKey.keyId,
      newKeyId: next.publicKey.keyId,
      fingerprint: fingerprint(next.publicKey.keyId),
      status: "active",
      machine: expect.objectContaining({ id: machine.id, keyId: next.publicKey.keyId }),
    });
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen.verified.keyId).toBe(old.publicKey.keyId);
    expect(seen.proofValid).toBe(true);
    expect(JSON.parse(seen.body)).toMatchObject({ publicKey: next.publicKey.jwk, proof: expect.stringMatching(/^[\w-]{86}$/) });

    const withOld = createSignedFetch({ key: old.seed });
    const refused = await withOld(`${fake.url}/api/v1/machine/rekey`, jsonBody({}, { method: "POST" }));
    expect(await refused.json()).toMatchObject({ code: "key_revoked" });
  });

  it("works on the portable entry (noble) and refuses a change to the same key locally", async () => {
    const old = await newKey();
    const next = await newKey();
    fake.addMachine(old.publicKey.jwk);
    expect((await portable.rekeyMachine({ server: fake.url, key: old.seed, newKey: next.seed })).newKeyId).toBe(next.publicKey.keyId);
    const same = await rejection(rekeyMachine({ server: fake.url, key: next.seed, newKey: next.seed }));
    expect(same).toMatchObject({ name: "PteriSdkError", code: "invalid_argument" });
  });

  it("reports the server's refusal: unknown key, new key already enrolled", async () => {
    const stranger = await newKey();
    const unknown = await rejection(rekeyMachine({ server: fake.url, key: stranger.seed, newKey: (await newKey()).seed }));
    expect(unknown).toMatchObject({ status: 401, code: "key_unknown" });
    const a = await newKey();
    const b = await newKey();
    fake.addMachine(a.publicKey.jwk);
    fake.addMachine(b.publicKey.jwk);
    const taken = await rejection(rekeyMachine({ server: fake.url, key: a.seed, newKey: b.seed }));
    expect(taken).toMatchObject({ status: 409, code: "key_already_enrolled" });
  });
});
