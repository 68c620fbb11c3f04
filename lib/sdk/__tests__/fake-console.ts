/**
 * Test-only stand-in for the Console's signed machine API (the contract in lib/machines/wire.ts),
 * on node:http at 127.0.0.1. It checks what the real server checks about the wire: every
 * request's signature with lib/protocol's verifyRequest under PTERI_SIGNATURE_RULES (nonce single
 * use included) and its Content-Digest; for enrollment that the keyid is the thumbprint of the
 * body's public key and the ticket is open; for a key change that the request is signed by the
 * machine's current key and the proof verifies with the new key over keyChangeMessage.
 * Shared by the SDK and CLI tests of enroll, rekey and audit export.
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
  close(): Promise<void>;
};

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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

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
