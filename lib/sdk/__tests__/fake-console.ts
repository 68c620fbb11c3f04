/**
 * Test-only stand-in for the Console's signed machine API (the contract in lib/machines/wire.ts),
 * on node:http at 127.0.0.1. It checks what the real server checks about the wire: every
 * request's signature with lib/protocol's verifyRequest under PTERI_SIGNATURE_RULES (nonce single
 * use included) and its Content-Digest; for enrollment that the keyid is the thumbprint of the
 * body's public key and the ticket is open; for a key change that the request is signed by the
 * machine's current key and the proof verifies with the new key over keyChangeMessage.
 * Shared by the SDK and CLI tests of enroll, rekey, audit export and intents.
 *
 * Intents (lib/intents/wire.ts): POST /api/v1/intents checks the document with the schema,
 * decides with `intentPolicy`, and is idempotent per (machine, hash); GET /api/v1/intents/{id}
 * long-polls (?wait=SECONDS) until `decide` changes the status. `outage` makes the next intent
 * GETs answer 503 or drop the connection; `restart` closes the server and listens again on
 * the same port. Any request under /svc/ acts as the resource service executing an intent: the
 * signature must cover the pteri-intent header, and the request must be the committed one.
 * POST /api/v1/verify (for machines with intents.verify) decides a forwarded execution the way
 * lib/intents/verify.ts does, in short: signature (pteri-intent covered), body digest, the
 * signer's intent, the committed request, status; allow marks it executed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { problemResponse } from "../../http/problem";
import {
  checkSignedContentDigest,
  fingerprint,
  parsePublicKey,
  PTERI_SIGNATURE_RULES,
  tryBase64UrlDecode,
  verifyRequest,
  type PublicJwk,
  type VerifyResult,
} from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { AUDIT_EXPORT_PATH, ENROLL_PATH, keyChangeMessage, keyChangeStatement, REKEY_PATH, TICKET_PREFIX } from "../../machines/wire";
import { INTENT_HEADER, INTENTS_PATH, intentDocumentSchema, intentHash, type IntentAnswer, type IntentDocument, type IntentStatus } from "../../intents/wire";
import { VERIFY_PATH, verifyBodySchema, type VerifyAnswer, type VerifyBody, type VerifyDenyReason } from "../../intents/verify-wire";

export type FakeMachine = { id: string; name: string; keyId: string; publicKey: Uint8Array; status: string; permissions: string[]; tags: string[] };

/** One request as the fake Console saw it. */
export type SeenRequest = {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  verified: VerifyResult<{ publicKey: Uint8Array }> | null;
  /** For POST /machine/rekey: did the proof verify. */
  proofValid?: boolean;
};

export type FakeConsole = {
  url: string;
  requests: SeenRequest[];
  machines: Map<string, FakeMachine>;
  /** A fresh open ticket; `confirm: false` makes enrollment activate at once. */
  ticket(options?: { confirm?: boolean }): string;
  /** Registers a machine directly (as if enrolled and confirmed). */
  addMachine(jwk: PublicJwk, permissions?: string[]): FakeMachine;
  /** What GET /api/v1/audit/export answers (for machines with audit.read). */
  exportBody: string | (() => AsyncIterable<string>);
  /** Submitted intents by id. */
  intents: Map<string, FakeIntent>;
  /** How a new intent is decided (default: pending, needing 2 approvals). */
  intentPolicy: (doc: IntentDocument) => IntentStatus;
  /** Every POST /api/v1/verify answer, in order. */
  verifications: VerifyAnswer[];
  /** Changes an intent's status (as an approval, rejection or expiry would); wakes long polls. */
  decide(id: string, status: IntentStatus): void;
  /** The next GET requests under /api/v1/intents fail like an unhealthy server: "503" answers 503, "drop" closes the connection. */
  outage: ("503" | "drop")[];
  /** Stops listening and drops every connection; listens again on the same port after `downMs`. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
};

export type FakeIntent = { doc: IntentDocument; machineId: string; answer: IntentAnswer };

const summary = (m: FakeMachine) => ({ id: m.id, name: m.name, keyId: m.keyId, fingerprint: fingerprint(m.keyId), status: m.status, tags: m.tags });

function randomTicket(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return TICKET_PREFIX + Buffer.from(bytes).toString("base64url");
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const problem = (status: number, code: string, detail: string) => problemResponse({ code, status, title: code, detail });

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startFakeConsole(): Promise<FakeConsole> {
  const requests: SeenRequest[] = [];
  const machines = new Map<string, FakeMachine>();
  const byKey = new Map<string, FakeMachine>();
  const retired = new Set<string>();
  const tickets = new Map<string, { used: boolean; confirm: boolean }>();
  const nonces = new Set<string>();
  let origin = "";
  let counter = 0;

  const addMachine = (jwk: PublicJwk, permissions: string[] = [], status = "active"): FakeMachine => {
    const parsed = parsePublicKey(jwk);
    if (!parsed.ok) throw new Error(parsed.reason);
    const machine: FakeMachine = { id: `mch_${++counter}`, name: `machine-${counter}`, keyId: parsed.key.keyId, publicKey: parsed.key.raw, status, permissions, tags: ["test"] };
    machines.set(machine.id, machine);
    byKey.set(machine.keyId, machine);
    return machine;
  };

  const intents = new Map<string, FakeIntent>();
  const waiters = new Map<string, Set<() => void>>();
  let intentCounter = 0;

  const fake: FakeConsole = {
    url: "",
    requests,
    machines,
    ticket({ confirm = true } = {}) {
      const t = randomTicket();
      tickets.set(t, { used: false, confirm });
      return t;
    },
    addMachine: (jwk, permissions) => addMachine(jwk, permissions),
    exportBody: "",
    intents,
    intentPolicy: () => "pending",
    verifications: [],
    decide(id, status) {
      const intent = intents.get(id);
      if (!intent) throw new Error(`no intent ${id}`);
      intent.answer = { ...intent.answer, status, ...(status === "approved" ? { approvals: { required: 2, received: 2 } } : {}) };
      for (const wake of waiters.get(id) ?? []) wake();
      waiters.delete(id);
    },
    outage: [],
    async restart(downMs) {
      const port = Number(new URL(origin).port);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  /** What the fake's "policy" says about a new intent. */
  function decisionFor(status: IntentStatus): IntentAnswer["decision"] {
    const rule = (ruleId: string) => [{ policyId: "pol_payments", policyVersion: 3, ruleId }];
    if (status === "denied") return { decision: "deny", reason: "denied_by_rule", message: "Denied by rule no-prod-deletes.", rules: rule("no-prod-deletes") };
    if (status === "pending") return { decision: "allow_with_approval", reason: "approval_required", message: "Allowed by rule large-transfers once 2 approvers approve.", rules: rule("large-transfers") };
    return { decision: "allow", reason: "allowed", message: "Allowed by rule small-transfers.", rules: rule("small-transfers") };
  }

  /** The intent `id` of `machine`, answered once it is not pending or `waitSeconds` have passed. */
  async function answerIntent(res: ServerResponse, intent: FakeIntent, waitSeconds: number): Promise<void> {
    if (intent.answer.status === "pending" && waitSeconds > 0) {
      await new Promise<void>((resolve) => {
        const set = waiters.get(intent.answer.id) ?? new Set();
        waiters.set(intent.answer.id, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitSeconds * 1000);
        set.add(done);
        res.once("close", done);
      });
    }
    if (res.destroyed) return;
    return send(res, Response.json(intent.answer));
  }

  /** POST /api/v1/intents. */
  async function submit(res: ServerResponse, machine: FakeMachine, json: unknown): Promise<void> {
    const parsed = intentDocumentSchema.safeParse(json);
    if (!parsed.success) return send(res, problem(400, "intent_invalid", `The intent is not valid: ${parsed.error.issues[0]?.message ?? "?"}.`));
    const hash = intentHash(parsed.data).hex;
    const existing = [...intents.values()].find((i) => i.machineId === machine.id && i.answer.hash === hash);
    if (existing) return send(res, Response.json(existing.answer, { status: 200 }));
    const status = fake.intentPolicy(parsed.data);
    const now = Date.now();
    const answer: IntentAnswer = {
      id: `int_${++intentCounter}`,
      hash,
      status,
      decision: decisionFor(status),
      expiresAt: status === "denied" ? null : new Date(now + 15 * 60_000).toISOString(),
      createdAt: new Date(now).toISOString(),
      ...(status === "pending" ? { approvals: { required: 2, received: 0 } } : {}),
    };
    intents.set(answer.id, { doc: parsed.data, machineId: machine.id, answer });
    return send(res, Response.json(answer, { status: 201 }));
  }

  /** A request under /svc/: the resource service executing an intent (what POST /api/v1/verify decides). */
  async function execute(req: IncomingMessage, res: ServerResponse, body: Uint8Array, seen: SeenRequest): Promise<void> {
    const { result, failure } = await verify(req, body, null);
    seen.verified = result;
    if (failure || !result.ok) return send(res, failure ?? problem(401, "signature_invalid", "?"));
    const id = req.headers[INTENT_HEADER];
    if (typeof id !== "string") return send(res, problem(403, "intent_missing", "The request names no intent (pteri-intent header)."));
    if (!result.components.includes(INTENT_HEADER)) return send(res, problem(403, "intent_not_covered", "The signature does not cover the pteri-intent header."));
    const intent = intents.get(id);
    const machine = byKey.get(result.keyId);
    if (!intent || intent.machineId !== machine?.id) return send(res, problem(404, "not_found", "No such intent."));
    const committed = intent.doc.execute;
    const digest = typeof req.headers["content-digest"] === "string" ? req.headers["content-digest"] : null;
    if (committed.method !== req.method || committed.targetUri !== `${origin}${req.url ?? "/"}` || committed.contentDigest !== (body.length > 0 ? digest : null)) {
      return send(res, problem(403, "intent_mismatch", "The request is not the one the intent committed to."));
    }
    if (intent.answer.status !== "allowed" && intent.answer.status !== "approved") {
      return send(res, problem(403, "intent_not_executable", `The intent is ${intent.answer.status}.`));
    }
    fake.decide(id, "executed");
    return send(res, Response.json({ executed: id }));
  }

  /** POST /api/v1/verify: the forwarded execution, decided. */
  async function verifyForwarded(body: VerifyBody): Promise<VerifyAnswer> {
    const seq = fake.verifications.length + 1;
    const view = (i: FakeIntent) => ({ id: i.answer.id, hash: i.answer.hash, action: i.doc.action, resource: i.doc.resource, params: i.doc.params, machineId: i.machineId });
    const deny = (reason: VerifyDenyReason, message: string, intent: FakeIntent | null = null): VerifyAnswer => ({ decision: "deny", reason, message, intent: intent ? view(intent) : null, auditSeq: seq });
    const { method, targetUri, headers } = body.request;
    const result = await verifyRequest(
      { method, targetUri, headers, body: body.bodyDigest === null ? new Uint8Array() : new Uint8Array(1) },
      {
        backend: nodeEd25519,
        policy: { ...PTERI_SIGNATURE_RULES, requiredComponents: [...PTERI_SIGNATURE_RULES.requiredComponents, INTENT_HEADER], now: () => Date.now() / 1000, checkNonce: () => true },
        resolveKey: (keyId) => {
          const m = byKey.get(keyId);
          return m ? { publicKey: m.publicKey } : null;
        },
      },
    );
    if (!result.ok) return deny(result.code === "component_missing" ? "components_missing" : "signature_invalid", result.message);
    const digest = headers["content-digest"] ?? null;
    if (digest !== body.bodyDigest) return deny("body_mismatch", "The body does not match its Content-Digest.");
    const intent = intents.get(headers[INTENT_HEADER] ?? "");
    if (!intent || intent.machineId !== byKey.get(result.keyId)?.id) return deny("intent_unknown", "No such intent for this machine.");
    const committed = intent.doc.execute;
    if (committed.method !== method || committed.targetUri !== targetUri || committed.contentDigest !== digest) return { ...deny("request_mismatch", "Not the committed request.", intent), mismatch: committed.method !== method ? "method" : committed.targetUri !== targetUri ? "target" : "digest" };
    if (intent.answer.status === "executed") return deny("intent_executed", "Already executed.", intent);
    if (intent.answer.status !== "allowed" && intent.answer.status !== "approved") return deny("intent_not_approved", `The intent is ${intent.answer.status}.`, intent);
    fake.decide(intent.answer.id, "executed");
    return { decision: "allow", reason: "allowed", message: "Executed.", intent: view(intent), auditSeq: seq };
  }

  /** Signature and digest check; `enrollKey` is the key a signed enrollment must be made with. */
  async function verify(req: IncomingMessage, body: Uint8Array, enrollKey: { keyId: string; raw: Uint8Array } | null) {
    const result = await verifyRequest(
      { method: req.method ?? "GET", targetUri: `${origin}${req.url ?? "/"}`, headers: req.headers as Record<string, string>, body },
      {
        backend: nodeEd25519,
        policy: {
          ...PTERI_SIGNATURE_RULES,
          now: () => Date.now() / 1000,
          checkNonce: (keyId, nonce) => {
            const k = `${keyId} ${nonce}`;
            if (nonces.has(k)) return false;
            nonces.add(k);
            return true;
          },
        },
        resolveKey: (keyId) => {
          if (enrollKey) return keyId === enrollKey.keyId ? { publicKey: enrollKey.raw } : null;
          if (retired.has(keyId)) return { status: "revoked" as const };
          const m = byKey.get(keyId);
          return m ? { publicKey: m.publicKey } : null;
        },
      },
    );
    if (!result.ok) return { result, failure: problem(401, result.code, result.message) };
    const digest = checkSignedContentDigest({ headers: req.headers as Record<string, string> }, body, result.components);
    if (!digest.ok) return { result, failure: problem(401, digest.code, digest.message) };
    return { result, failure: null };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bodyBytes = await readBody(req);
    const text = Buffer.from(bodyBytes).toString("utf8");
    const seen: SeenRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: text, verified: null };
    requests.push(seen);
    if (req.url?.startsWith("/svc/")) return execute(req, res, bodyBytes, seen);
    let json: Record<string, unknown> = {};
    if (text) {
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return send(res, problem(400, "invalid_request", "The body is not JSON."));
      }
    }

    if (req.method === "POST" && req.url === ENROLL_PATH) {
      const key = parsePublicKey((json.publicKey ?? "") as object);
      if (!key.ok) return send(res, problem(400, "public_key_invalid", `The public key is not usable: ${key.reason}.`));
      const { result, failure } = await verify(req, bodyBytes, { keyId: key.key.keyId, raw: key.key.raw });
      seen.verified = result;
      if (failure) return send(res, failure);
      const ticket = typeof json.ticket === "string" ? tickets.get(json.ticket) : undefined;
      if (!ticket || ticket.used) return send(res, problem(400, "ticket_invalid", "This enrollment ticket is not valid: it is unknown, used, expired or revoked. Ask for a new one in the Console."));
      if (byKey.has(key.key.keyId) || retired.has(key.key.keyId)) return send(res, problem(409, "key_already_enrolled", "This public key is already enrolled."));
      ticket.used = true;
      const machine = addMachine(key.key.jwk, [], ticket.confirm ? "pending" : "active");
      return send(res, Response.json({ machine: summary(machine), confirmationRequired: ticket.confirm }, { status: 201 }));
    }

    if (req.method === "POST" && req.url === REKEY_PATH) {
      const { result, failure } = await verify(req, bodyBytes, null);
      seen.verified = result;
      if (failure || !result.ok) return send(res, failure ?? problem(401, "signature_invalid", "?"));
      const machine = byKey.get(result.keyId);
      if (!machine) return send(res, problem(401, "key_unknown", "No such key."));
      const next = parsePublicKey((json.publicKey ?? "") as object);
      if (!next.ok) return send(res, problem(400, "public_key_invalid", `The public key is not usable: ${next.reason}.`));
      const proof = tryBase64UrlDecode(json.proof);
      const message = keyChangeMessage(keyChangeStatement(origin, machine.keyId, next.key.keyId));
      seen.proofValid = proof !== null && (await nodeEd25519.verify(next.key.raw, message, proof));
      if (!seen.proofValid) return send(res, problem(400, "proof_invalid", "The key-change proof does not verify with the new key."));
      if (byKey.has(next.key.keyId) || retired.has(next.key.keyId)) return send(res, problem(409, "key_already_enrolled", "This public key is already enrolled."));
      const retiredKeyId = machine.keyId;
      retired.add(retiredKeyId);
      byKey.delete(retiredKeyId);
      machine.keyId = next.key.keyId;
      machine.publicKey = next.key.raw;
      byKey.set(machine.keyId, machine);
      return send(res, Response.json({ machine: summary(machine), retiredKeyId }));
    }

    if (req.method === "GET" && req.url === AUDIT_EXPORT_PATH) {
      const { result, failure } = await verify(req, bodyBytes, null);
      seen.verified = result;
      if (failure || !result.ok) return send(res, failure ?? problem(401, "signature_invalid", "?"));
      const machine = byKey.get(result.keyId);
      if (!machine?.permissions.includes("audit.read")) {
        return send(res, problem(403, "machine_permission_missing", "This machine lacks the audit.read permission; an editor can grant it on the machine's page."));
      }
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      if (typeof fake.exportBody === "string") return void res.end(fake.exportBody);
      for await (const piece of fake.exportBody()) {
        if (!res.write(piece)) await new Promise((resolve) => res.once("drain", resolve));
      }
      return void res.end();
    }

    if (req.method === "POST" && req.url === VERIFY_PATH) {
      const { result, failure } = await verify(req, bodyBytes, null);
      seen.verified = result;
      if (failure || !result.ok) return send(res, failure ?? problem(401, "signature_invalid", "?"));
      if (!byKey.get(result.keyId)?.permissions.includes("intents.verify")) {
        return send(res, problem(403, "machine_permission_missing", "This endpoint needs the machine permission intents.verify."));
      }
      const parsed = verifyBodySchema.safeParse(json);
      if (!parsed.success) return send(res, problem(400, "body_invalid", parsed.error.issues[0]?.message ?? "invalid"));
      const answer = await verifyForwarded(parsed.data);
      fake.verifications.push(answer);
      return send(res, Response.json(answer));
    }

    if (req.url?.startsWith(INTENTS_PATH)) {
      const trouble = req.method === "GET" ? fake.outage.shift() : undefined;
      if (trouble === "drop") return void req.socket.destroy();
      if (trouble === "503") return send(res, new Response("<html>503 Service Unavailable</html>", { status: 503, headers: { "content-type": "text/html" } }));
      const { result, failure } = await verify(req, bodyBytes, null);
      seen.verified = result;
      if (failure || !result.ok) return send(res, failure ?? problem(401, "signature_invalid", "?"));
      const machine = byKey.get(result.keyId);
      if (!machine) return send(res, problem(401, "key_unknown", "No such key."));
      if (req.method === "POST" && req.url === INTENTS_PATH) return submit(res, machine, json);
      const url = new URL(req.url, origin);
      const id = decodeURIComponent(url.pathname.slice(INTENTS_PATH.length + 1));
      const intent = intents.get(id);
      if (req.method !== "GET" || !intent || intent.machineId !== machine.id) return send(res, problem(404, "not_found", "No intent with this id belongs to this machine."));
      const wait = Number(url.searchParams.get("wait") ?? "0");
      if (!Number.isInteger(wait) || wait < 0 || wait > 60) return send(res, problem(400, "invalid_request", "wait must be 0..60 seconds."));
      return answerIntent(res, intent, wait);
    }

    return send(res, problem(404, "not_found", "No such endpoint."));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy(); // mid-body: the client sees the connection cut
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = origin;
  return fake;
}
