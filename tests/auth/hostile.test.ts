import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { MAX_BODY_BYTES } from "@/lib/auth/limits";
import { enroll, freshDb, PUBLIC_URL, problemOf, signedRequest, testDeps, type Enrolled, type TestDb } from "./helpers";

let t: TestDb;
let m: Enrolled;
beforeAll(async () => {
  t = await freshDb();
  m = await enroll(t.db, "target-of-abuse");
});
afterAll(() => t.close());

const URL_ = `${PUBLIC_URL}/api/v1/whoami`;

/** Every refusal is a 4xx problem+json with a stable type, a title and a detail; never a stack. */
async function expectProblem(request: Request, code: string, status: number): Promise<void> {
  const auth = await authenticateMachineRequest(request, testDeps(t.db, t.config));
  expect(auth.ok).toBe(false);
  if (auth.ok) return;
  const problem = await problemOf(auth.response);
  expect(problem.status).toBe(status);
  expect(problem.contentType).toBe("application/problem+json");
  expect(problem.body).toMatchObject({ type: `https://pteri.dev/problems/${code}`, code, status });
  expect(typeof problem.body.title).toBe("string");
  expect(typeof problem.body.detail).toBe("string");
  expect(JSON.stringify(problem.body)).not.toMatch(/\bat .*\.ts:\d+|Error:|prisma/i);
}

function raw(headers: Record<string, string>, init: RequestInit = {}): Request {
  return new Request(URL_, { method: "GET", headers, ...init });
}

describe("hostile and malformed requests", () => {
  it("an unsigned request gets signature_missing (401)", async () => {
    await expectProblem(raw({}), "signature_missing", 401);
  });

  it("an oversized Signature-Input is refused as malformed before anything else", async () => {
    const huge = `sig1=("@method");nonce="${"a".repeat(9000)}"`;
    await expectProblem(raw({ "signature-input": huge, signature: "sig1=:AAAA:" }), "signature_malformed", 400);
    const signed = await signedRequest(m.key);
    await expectProblem(signed.make({ headers: { signature: `sig1=:${"A".repeat(12_000)}:` } }), "signature_malformed", 400);
  });

  it.each([
    ["garbage", "%%%%%"],
    ["a bare token", "sig1"],
    ["a string member", 'sig1="hello"'],
    ["unterminated inner list", 'sig1=("@method" "@target-uri"'],
    ["an integer created out of range", 'sig1=("@method");created=99999999999999999999'],
    ["a huge number of labels", Array.from({ length: 40 }, (_, i) => `s${i}=()`).join(", ")],
  ])("Signature-Input with %s gets a 400-class problem", async (_what, value) => {
    const auth = await authenticateMachineRequest(raw({ "signature-input": value, signature: "sig1=:AAAA:" }), testDeps(t.db, t.config));
    expect(auth.ok).toBe(false);
    if (auth.ok) return;
    expect(auth.response.status).toBeGreaterThanOrEqual(400);
    expect(auth.response.status).toBeLessThan(500);
    expect(auth.response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("garbage Signature and Content-Digest headers are 400-class, never 500", async () => {
    const signed = await signedRequest(m.key, { body: "{}" });
    const cases: Record<string, string>[] = [
      { signature: "sig1=:not base64!:" },
      { signature: "sig1=:AAAA:" },
      { signature: "sig1=()" },
      { "content-digest": "sha-256=:AAAA:" },
      { "content-digest": "garbage%%" },
      { "content-digest": "md5=:AAAAAAAAAAAAAAAAAAAAAA==:" },
    ];
    for (const headers of cases) {
      const auth = await authenticateMachineRequest(signed.make({ headers }), testDeps(t.db, t.config));
      expect(auth.ok).toBe(false);
      if (auth.ok) continue;
      expect([400, 401]).toContain(auth.response.status);
      expect(auth.response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("missing parameters, a short nonce, an unsupported algorithm, component or absent header are 400", async () => {
    await expectProblem((await signedRequest(m.key, { sign: { nonce: null } })).make(), "signature_params_missing", 400);
    await expectProblem((await signedRequest(m.key, { sign: { nonce: "short" } })).make(), "nonce_too_short", 400);
    await expectProblem((await signedRequest(m.key, { sign: { components: ["@method"] } })).make(), "component_missing", 400);
    const signed = await signedRequest(m.key);
    const input = signed.make().headers.get("signature-input") ?? "";
    await expectProblem(signed.make({ headers: { "signature-input": input.replace('alg="ed25519"', 'alg="rsa-pss-sha512"') } }), "algorithm_unsupported", 400);
    const unsupported = input.replace('"@target-uri")', '"@target-uri" "@request-response")');
    expect(unsupported).not.toBe(input);
    await expectProblem(signed.make({ headers: { "signature-input": unsupported } }), "component_unsupported", 400);
    const withHeader = input.replace('"@target-uri")', '"@target-uri" "x-absent")');
    await expectProblem(signed.make({ headers: { "signature-input": withHeader } }), "header_missing", 400);
    await expectProblem((await signedRequest(m.key, { sign: { components: ["@method", "@target-uri", "x-extra"] }, headers: { "x-extra": "1" } })).make({ headers: { "x-extra": "" } }), "signature_invalid", 401);
  });

  it("a body larger than 1 MiB gets 413, whether declared by Content-Length or streamed", async () => {
    const big = new Uint8Array(MAX_BODY_BYTES + 1);
    const signed = await signedRequest(m.key, { body: "{}" });
    await expectProblem(signed.make({ body: big }), "body_too_large", 413);
    await expectProblem(signed.make({ headers: { "content-length": String(50 * 1024 * 1024) } }), "body_too_large", 413);
    // Streamed in chunks with no length: read only until the limit is passed.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulled > 64 * MAX_BODY_BYTES) controller.close();
      },
    });
    const streamed = new Request(URL_, { method: "POST", headers: signed.make().headers, body: stream, duplex: "half" } as RequestInit);
    await expectProblem(streamed, "body_too_large", 413);
    expect(pulled).toBeLessThan(2 * MAX_BODY_BYTES);
  });

  it("a body exactly at the limit is read and checked", async () => {
    const body = new Uint8Array(MAX_BODY_BYTES).fill(120);
    const signed = await signedRequest(m.key, { body, contentType: "application/octet-stream" });
    const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(auth.ok).toBe(true);
  });
});
