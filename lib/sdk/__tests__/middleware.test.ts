/**
 * pteriVerifier (node:http, Express-style) and verifyExecution: against the fake Console, and
 * against the Console's real routes (tests/intents/console-server.ts). The machine signs its
 * execution request with signed fetch, covering pteri-intent, as the CLI does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultComponents } from "../../protocol";
import { enroll } from "../../../tests/auth/helpers";
import { startConsoleServer, type ConsoleServer } from "../../../tests/intents/console-server";
import { policyDoc, publish, rule } from "../../../tests/intents/helpers";
import { grantVerifier } from "../../../tests/intents/verify-helpers";
import { buildIntent, createSignedFetch, INTENT_HEADER, pteriVerifier, submitIntent, verifyExecution, type PteriIncomingMessage, type PteriVerifierOptions } from "../node";
import { startFakeConsole, type FakeConsole } from "./fake-console";
import { newKey } from "./server";

const BODY = JSON.stringify({ amount: 5000, currency: "EUR" });

type Service = { url: string; executed: { intentId: string; body: string }[]; unavailable: unknown[]; close(): Promise<void> };

/** A resource service on node:http gated by pteriVerifier; the handler records what it executed. */
async function startService(options: Omit<PteriVerifierOptions, "publicUrl">): Promise<Service> {
  const executed: Service["executed"] = [];
  const unavailable: unknown[] = [];
  // The gate needs the service's URL, known once it listens.
  const holder: { gate?: ReturnType<typeof pteriVerifier> } = {};
  const server: Server = createServer((req, res) => {
    void holder.gate!(req, res, () => {
      const { intent, body } = (req as PteriIncomingMessage).pteri!;
      executed.push({ intentId: intent.id, body: Buffer.from(body).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ executed: intent.id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.gate = pteriVerifier({ onUnavailable: (e) => unavailable.push(e), ...options, publicUrl: url });
  return { url, executed, unavailable, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The machine's execution request: signed, covering pteri-intent. */
function executor(seed: Uint8Array) {
  const signedFetch = createSignedFetch({ key: seed, components: (r) => [...defaultComponents(r.hasBody), INTENT_HEADER] });
  return (url: string, intentId: string, init: { method?: string; body?: string | null; headers?: Record<string, string> } = {}) =>
    signedFetch(url, { method: init.method ?? "POST", headers: { "content-type": "application/json", [INTENT_HEADER]: intentId, ...init.headers }, body: init.body === undefined ? BODY : init.body });
}

describe("with the fake Console", () => {
  let fake: FakeConsole;
  let service: Service;
  let machine: Awaited<ReturnType<typeof newKey>>;
  let serviceKey: Awaited<ReturnType<typeof newKey>>;

  beforeAll(async () => {
    fake = await startFakeConsole();
    fake.intentPolicy = () => "allowed";
    machine = await newKey();
    serviceKey = await newKey();
    fake.addMachine(machine.publicKey.jwk);
    fake.addMachine(serviceKey.publicKey.jwk, ["intents.verify"]);
    service = await startService({ server: fake.url, key: serviceKey.seed });
  });
  afterAll(async () => {
    await service.close();
    await fake.close();
  });

  const submit = async (nonce: string, body = BODY) =>
    (await submitIntent({ server: fake.url, key: machine.seed, intent: buildIntent({ action: "payments.transfer", resource: "accounts/42", audience: service.url, execute: { method: "POST", url: `${service.url}/pay`, body }, nonce }) })).intent;

  it("allow: the handler runs with the intent and the raw body; the replay is 403 intent_executed and never reaches it", async () => {
    const intent = await submit("allow");
    const send = executor(machine.seed);
    const first = await send(`${service.url}/pay`, intent.id);
    expect(first.status).toBe(200);
    expect(service.executed).toEqual([{ intentId: intent.id, body: BODY }]);
    const again = await send(`${service.url}/pay`, intent.id);
    expect(again.status).toBe(403);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(await again.json()).toMatchObject({ code: "intent_executed", status: 403 });
    expect(service.executed).toHaveLength(1);
    // What was forwarded: the service's own digest of the body and the signature's header fields.
    const forwarded = JSON.parse(fake.requests.filter((r) => r.path === "/api/v1/verify").at(-1)!.body) as { request: { headers: Record<string, string> }; bodyDigest: string };
    expect(Object.keys(forwarded.request.headers).sort()).toEqual(["content-digest", "content-type", "pteri-intent", "signature", "signature-input"]);
    expect(forwarded.bodyDigest).toBe(forwarded.request.headers["content-digest"]);
  });

  it("deny: 403 with the reason (and what differs); the handler does not run", async () => {
    const intent = await submit("deny");
    const response = await executor(machine.seed)(`${service.url}/pay`, intent.id, { body: BODY.replace("5000", "50") });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "request_mismatch", mismatch: "digest" });
    expect(service.executed.map((e) => e.intentId)).not.toContain(intent.id);
  });

  it("the target is the configured public URL, never the Host header: a request signed for another host is refused", async () => {
    const intent = await submit("host");
    const elsewhere = "http://evil.example/pay";
    // Signed for http://evil.example/pay, delivered here with Host: evil.example.
    const signedFetch = createSignedFetch({ key: machine.seed, components: (r) => [...defaultComponents(r.hasBody), INTENT_HEADER], fetch: (input, init) => fetch(`${service.url}/pay`, { ...init, method: (input as Request).method, headers: (input as Request).headers, body: BODY }) });
    const response = await signedFetch(elsewhere, { method: "POST", headers: { "content-type": "application/json", [INTENT_HEADER]: intent.id, host: "evil.example" }, body: BODY });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "signature_invalid" });
  });

  it("a body over the limit is 413 before PTERI is asked", async () => {
    const small = await startService({ server: fake.url, key: serviceKey.seed, maxBodyBytes: 10 });
    const before = fake.verifications.length;
    const response = await executor(machine.seed)(`${small.url}/pay`, "int_x");
    expect(response.status).toBe(413);
    expect(fake.verifications.length).toBe(before);
    await small.close();
  });

  it("PTERI unreachable, or refusing the service itself: 503, fail closed", async () => {
    const down = await startService({ server: "http://127.0.0.1:9", key: serviceKey.seed, timeoutMs: 2000 });
    const intent = await submit("down");
    const response = await executor(machine.seed)(`${down.url}/pay`, intent.id);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "verification_unavailable" });
    expect(down.executed).toEqual([]);
    expect(down.unavailable).toHaveLength(1);
    await down.close();

    const unpermitted = await newKey();
    fake.addMachine(unpermitted.publicKey.jwk, []);
    const lacking = await startService({ server: fake.url, key: unpermitted.seed });
    const refused = await executor(machine.seed)(`${lacking.url}/pay`, intent.id);
    expect(refused.status).toBe(503);
    expect(lacking.unavailable[0]).toMatchObject({ code: "machine_permission_missing" });
    expect(lacking.executed).toEqual([]);
    await lacking.close();
  });
});

describe("with the Console's real routes", () => {
  let pteri: ConsoleServer;
  let service: Service;

  beforeAll(async () => {
    pteri = await startConsoleServer();
    await publish(pteri.host.db, policyDoc("Payments", [rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"] })]));
  }, 30_000);
  afterAll(async () => {
    await service?.close();
    await pteri.close();
  });

  it("executes once through the middleware, refuses the replay; verifyExecution returns the typed answer", async () => {
    const owner = await enroll(pteri.host.db, "payer");
    const svc = await enroll(pteri.host.db, "payments");
    service = await startService({ server: pteri.url, key: svc.key.seed });
    await grantVerifier(pteri.host.db, svc.machine.id, [service.url]);
    const doc = buildIntent({ action: "payments.transfer", resource: "accounts/42", audience: service.url, execute: { method: "POST", url: `${service.url}/pay`, body: BODY } });
    const { intent } = await submitIntent({ server: pteri.url, key: owner.key.seed, intent: doc });
    expect(intent.status).toBe("allowed");
    const send = executor(owner.key.seed);
    expect((await send(`${service.url}/pay`, intent.id)).status).toBe(200);
    expect(service.executed).toEqual([{ intentId: intent.id, body: BODY }]);
    const replay = await send(`${service.url}/pay`, intent.id);
    expect(await replay.json()).toMatchObject({ status: 403, code: "intent_executed" });

    // The framework-agnostic call, with a Fetch API Request's parts.
    const answer = await verifyExecution({ server: pteri.url, key: svc.key.seed, method: "POST", url: `${service.url}/pay`, headers: { [INTENT_HEADER]: intent.id }, body: BODY });
    expect(answer).toMatchObject({ decision: "deny", reason: "signature_missing", intent: null });
    expect(answer.auditSeq).toBeGreaterThan(0);
  });
});
