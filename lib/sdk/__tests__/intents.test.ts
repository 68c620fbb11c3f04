import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTENT_FORMAT, intentHash, type IntentAnswer } from "../../intents/wire";
import { createContentDigest, generateKeyPair, type GeneratedKeyPair } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import * as portable from "../index";
import { buildIntent, getIntent, PteriSdkError, PteriServerError, submitIntent, waitForDecision, type WaitRetryInfo } from "../node";
import { startFakeConsole, type FakeConsole, type FakeMachine } from "./fake-console";

let fake: FakeConsole;

beforeAll(async () => {
  fake = await startFakeConsole();
});
afterAll(() => fake.close());

async function machine(): Promise<{ key: GeneratedKeyPair; machine: FakeMachine }> {
  const key = await generateKeyPair(nodeEd25519);
  return { key, machine: fake.addMachine(key.publicKey.jwk) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

const until = async (condition: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const transfer = (overrides: Partial<Parameters<typeof buildIntent>[0]> = {}) =>
  buildIntent({
    action: "payments.transfer",
    resource: "accounts/acme",
    params: { amount: 25000, currency: "EUR" },
    audience: `${fake.url}/svc`,
    execute: { method: "POST", url: `${fake.url}/svc/transfers`, body: '{"amount":25000}' },
    ...overrides,
  });

describe("buildIntent", () => {
  it("commits to the request: method, target URI and the sha-256 Content-Digest of the exact body", () => {
    const body = new TextEncoder().encode('{"amount":25000}');
    const doc = buildIntent({
      action: "payments.transfer",
      resource: "accounts/acme",
      params: { amount: 25000 },
      audience: "https://Pay.Example.com",
      execute: { method: "post", url: "https://PAY.example.com:443/transfers?x=1", body },
      nonce: "n-1",
    });
    expect(doc).toEqual({
      format: INTENT_FORMAT,
      action: "payments.transfer",
      resource: "accounts/acme",
      params: { amount: 25000 },
      audience: "https://pay.example.com",
      execute: { method: "POST", targetUri: "https://pay.example.com/transfers?x=1", contentDigest: createContentDigest(body, "sha-256") },
      nonce: "n-1",
    });
    // A string body is its UTF-8 bytes.
    expect(buildIntent({ ...doc, execute: { method: "POST", url: doc.execute.targetUri, body: '{"amount":25000}' } }).execute.contentDigest).toBe(doc.execute.contentDigest);
  });

  it("commits to no body (null digest) without a body or with an empty one, as signed fetch sends it", () => {
    for (const body of [undefined, null, "", new Uint8Array(0)]) {
      const doc = buildIntent({ action: "a.b", resource: "r", audience: "https://svc.example.com/api/", execute: { method: "GET", url: "https://svc.example.com/api/x", body } });
      expect(doc.execute.contentDigest).toBeNull();
      expect(doc.params).toEqual({});
      expect(doc.audience).toBe("https://svc.example.com/api/");
      expect("nonce" in doc).toBe(false);
    }
  });

  it("refuses a document the server's schema refuses, naming where (PteriSdkError invalid_argument)", () => {
    const cases: [Parameters<typeof buildIntent>[0], RegExp][] = [
      [{ action: "Payments", resource: "r", audience: "https://a.example", execute: { method: "GET", url: "https://a.example/x" } }, /^The intent is not valid: action: /],
      [{ action: "a.b", resource: "r", audience: "https://a.example", execute: { method: "GET", url: "https://b.example/x" } }, /execute\.targetUri: the request to execute must go to the audience/],
      [{ action: "a.b", resource: "", audience: "https://a.example", execute: { method: "GET", url: "https://a.example/x" } }, /resource: /],
      [{ action: "a.b", resource: "r", audience: "ftp://a.example", execute: { method: "GET", url: "https://a.example/x" } }, /audience: must be an absolute http\(s\) URL/],
      [{ action: "a.b", resource: "r", params: [1] as unknown as Record<string, unknown>, audience: "https://a.example", execute: { method: "GET", url: "https://a.example/x" } }, /params: /],
    ];
    const valid = { action: "a.b", resource: "r", audience: "https://a.example", execute: { method: "GET", url: "https://a.example/x" } };
    cases.push(
      [{ ...valid, params: { amount: Infinity } }, /^The intent is not valid: params\.amount is Infinity, not a finite number\.$/],
      [{ ...valid, params: { note: undefined } }, /params\.note is undefined/],
      [{ ...valid, params: { note: "\ud800" } }, /lone surrogate/i],
      [{ ...valid, params: JSON.parse('{"a": {"__proto__": 1}}') as Record<string, unknown> }, /params\.a: "__proto__" is not allowed/],
    );
    for (const [input, message] of cases) {
      let error: unknown;
      try {
        buildIntent(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PteriSdkError);
      expect((error as PteriSdkError).code).toBe("invalid_argument");
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("submitIntent", () => {
  it("POSTs the document itself, signed by the machine; the server's hash is the document's hash", async () => {
    const { key, machine: m } = await machine();
    const intent = transfer();
    const before = fake.requests.length;
    const { created, intent: answer } = await submitIntent({ server: fake.url, key: key.privatePem, intent, backend: nodeEd25519 });
    expect(created).toBe(true);
    expect(answer).toMatchObject({ hash: intentHash(intent).hex, status: "pending", approvals: { required: 2, received: 0 } });
    expect(fake.intents.get(answer.id)?.machineId).toBe(m.id);
    expect(fake.requests.length).toBe(before + 1);
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen).toMatchObject({ method: "POST", path: "/api/v1/intents" });
    expect(JSON.parse(seen.body)).toEqual(intent);
    expect(seen.verified.keyId).toBe(key.publicKey.keyId);
    expect(seen.verified.components).toEqual(["@method", "@target-uri", "content-digest", "content-type"]);
  });

  it("is idempotent: the same document again is the same intent (created: false); another nonce is a new one", async () => {
    const { key } = await machine();
    const first = await portable.submitIntent({ server: fake.url, key: key.seed, intent: transfer() }); // noble back end
    const again = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    expect(again).toEqual({ created: false, intent: first.intent });
    const other = await submitIntent({ server: fake.url, key: key.seed, intent: transfer({ nonce: "2" }), backend: nodeEd25519 });
    expect(other.created).toBe(true);
    expect(other.intent.id).not.toBe(first.intent.id);
  });

  it("refuses an invalid document before sending, and reports a refusal or a hash that differs", async () => {
    const { key } = await machine();
    const before = fake.requests.length;
    const bad = { ...transfer(), action: "NOPE" };
    const invalid = await rejection(submitIntent({ server: fake.url, key: key.seed, intent: bad, backend: nodeEd25519 }));
    expect(invalid).toMatchObject({ name: "PteriSdkError", code: "invalid_argument" });
    expect(fake.requests.length).toBe(before);

    const stranger = await generateKeyPair(nodeEd25519);
    const refused = await rejection(submitIntent({ server: fake.url, key: stranger.seed, intent: transfer(), backend: nodeEd25519 }));
    expect(refused).toBeInstanceOf(PteriServerError);
    expect(refused).toMatchObject({ status: 401, code: "key_unknown" });

    const lying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const answer = (await response.json()) as IntentAnswer;
      return Response.json({ ...answer, hash: "0".repeat(64) }, { status: response.status });
    };
    const mismatch = await rejection(submitIntent({ server: fake.url, key: key.seed, intent: transfer({ nonce: "lie" }), backend: nodeEd25519, fetch: lying }));
    expect(mismatch).toMatchObject({ name: "PteriServerError", code: "response_invalid" });
    expect((mismatch as Error).message).toMatch(/is not the hash computed here/);
  });
});

describe("getIntent and waitForDecision", () => {
  it("getIntent answers the machine's own intent; another machine's is not_found; waitSeconds is 0..60", async () => {
    const { key } = await machine();
    const { intent } = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    expect(await getIntent({ server: fake.url, key: key.seed, id: intent.id, backend: nodeEd25519 })).toEqual(intent);
    expect(fake.requests.at(-1)?.path).toBe(`/api/v1/intents/${intent.id}`);

    const other = await machine();
    const hidden = await rejection(getIntent({ server: fake.url, key: other.key.seed, id: intent.id, backend: nodeEd25519 }));
    expect(hidden).toMatchObject({ status: 404, code: "not_found" });
    for (const waitSeconds of [-1, 61, 1.5]) {
      expect(await rejection(getIntent({ server: fake.url, key: key.seed, id: intent.id, waitSeconds }))).toMatchObject({ code: "invalid_argument" });
    }
  });

  it("long-polls: the answer comes as soon as the intent is decided, not after the poll's full wait", async () => {
    const { key } = await machine();
    const { intent } = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    const started = Date.now();
    setTimeout(() => fake.decide(intent.id, "approved"), 300);
    const answer = await waitForDecision({ server: fake.url, key: key.seed, id: intent.id, timeoutSeconds: 30, backend: nodeEd25519 });
    expect(answer).toMatchObject({ id: intent.id, status: "approved" });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.requests.at(-1)?.path).toBe(`/api/v1/intents/${intent.id}?wait=30`);
  });

  it("survives 503s, dropped connections and a restart of the server, then resolves with the decision", async () => {
    const { key } = await machine();
    const { intent } = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    fake.outage.push("503", "drop", "503");
    const retries: WaitRetryInfo[] = [];
    const answers: string[] = [];
    const waiting = waitForDecision({
      server: fake.url,
      key: key.seed,
      id: intent.id,
      timeoutSeconds: 60,
      backend: nodeEd25519,
      retryDelayMs: { initial: 20, max: 100 },
      onRetry: (info) => retries.push(info),
      onAnswer: (a) => answers.push(a.status),
    });
    const polls = () => fake.requests.filter((r) => r.path.startsWith(`/api/v1/intents/${intent.id}?wait=`)).length;
    // Three failed polls, then a fourth one that the server holds.
    await until(() => polls() === 4 && retries.length === 3);
    expect(answers).toEqual([]);
    // The server goes away (the held poll's connection with it) and comes back.
    await fake.restart(400);
    await until(() => polls() > 4);
    fake.decide(intent.id, "approved");
    const answer = await waiting;
    expect(answer.status).toBe("approved");
    expect(retries.length).toBeGreaterThanOrEqual(4);
    expect(retries.slice(0, 3).map((r) => (r.error instanceof PteriServerError ? r.error.status : "network"))).toEqual([503, "network", 503]);
    expect(retries.map((r) => r.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    expect(answers.at(-1)).toBe("approved");
  });

  it("returns the pending answer when the time is up, stops at once on a refusal, and honours the signal", async () => {
    const { key } = await machine();
    const { intent } = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    const pending = await waitForDecision({ server: fake.url, key: key.seed, id: intent.id, timeoutSeconds: 1, backend: nodeEd25519 });
    expect(pending.status).toBe("pending");
    const zero = await waitForDecision({ server: fake.url, key: key.seed, id: intent.id, timeoutSeconds: 0, backend: nodeEd25519 });
    expect(zero.status).toBe("pending");
    expect(fake.requests.at(-1)?.path).toBe(`/api/v1/intents/${intent.id}`);

    const retries: WaitRetryInfo[] = [];
    const missing = await rejection(waitForDecision({ server: fake.url, key: key.seed, id: "int_nope", timeoutSeconds: 30, backend: nodeEd25519, onRetry: (r) => retries.push(r) }));
    expect(missing).toMatchObject({ code: "not_found" });
    expect(retries).toEqual([]);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stopped")), 200);
    const aborted = await rejection(waitForDecision({ server: fake.url, key: key.seed, id: intent.id, timeoutSeconds: 30, backend: nodeEd25519, signal: controller.signal }));
    expect((aborted as Error).message).toBe("stopped");
  });

  it("rejects with the last error when the server stays unreachable until the deadline", async () => {
    const { key } = await machine();
    const { intent } = await submitIntent({ server: fake.url, key: key.seed, intent: transfer(), backend: nodeEd25519 });
    fake.outage.push(...Array<"503">(50).fill("503"));
    const error = await rejection(waitForDecision({ server: fake.url, key: key.seed, id: intent.id, timeoutSeconds: 1, backend: nodeEd25519, retryDelayMs: { initial: 50, max: 200 } }));
    fake.outage.length = 0;
    expect(error).toMatchObject({ name: "PteriServerError", status: 503, code: "http_503" });
  });
});
