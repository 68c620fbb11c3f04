/**
 * Writes a realistic audit export (JSONL, docs/audit.md) straight to a file, without the
 * database, for the verification benchmark: mostly `machine.request` entries carrying real
 * RFC 9421 signatures (a fresh nonce each) from a handful of machine keys, with evidence
 * built by lib/auth's own machineRequestEvidence, plus the other kinds of entries a Console
 * records. Entries are hashed and chained with lib/audit's functions and end with a
 * checkpoint signed by a generated log key, so `pteri audit verify` accepts the file.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from "node:crypto";
import fs from "node:fs";
import { once } from "node:events";
import { machineRequestEvidence } from "../lib/auth/evidence";
import { formatCheckpoint, formatVkey, signNote } from "../lib/audit/checkpoint";
import { AUDIT_ENTRY_VERSION, GENESIS_PREV_HASH, entryHash, entryLeafHash, type AuditEntryDocument } from "../lib/audit/entry";
import type { ExportLine } from "../lib/audit/export-format";
import { StreamingTree } from "../lib/audit/merkle-compact";
import type { Machine } from "../lib/machines/model";
import { pkcs8FromSeed } from "../lib/protocol/der";
import { createContentDigest } from "../lib/protocol/digest";
import type { Ed25519Backend } from "../lib/protocol/ed25519";
import { nodeEd25519 } from "../lib/protocol/ed25519-node";
import { defaultComponents, signRequest } from "../lib/protocol/httpsig/sign";
import { fingerprint, generateKeyPair, type GeneratedKeyPair } from "../lib/protocol/keys";

export const BENCH_ORIGIN = "bench.pteri.test/audit";
const PUBLIC_URL = "https://bench.pteri.test";
const PATHS = ["/api/v1/whoami", "/api/v1/intents", "/api/v1/verify", "/api/v1/intents/in_8f3k2/execute"];

export interface GeneratedExport {
  file: string;
  /** The log key's vkey, to pass as --log-key. */
  vkey: string;
  entries: number;
  machineRequests: number;
  /** Distinct signed requests among them (see GenerateOptions.signedRequests). */
  signedRequests: number;
  bytes: number;
  seconds: number;
}

/**
 * nodeEd25519 parses the private key on every call (deliberately: servers keep no secrets
 * around). A generator signing a million requests keeps the handful of KeyObjects instead.
 */
function cachedSigner(): Ed25519Backend {
  const keys = new Map<string, KeyObject>();
  return {
    ...nodeEd25519,
    async sign(seed, message) {
      const id = Buffer.from(seed).toString("hex");
      let key = keys.get(id);
      if (!key) keys.set(id, (key = createPrivateKey({ key: Buffer.from(pkcs8FromSeed(seed)), format: "der", type: "pkcs8" })));
      return new Uint8Array(nodeSign(null, message, key));
    },
  };
}

function machineOf(key: GeneratedKeyPair, i: number): Machine {
  const keyId = key.publicKey.keyId;
  return {
    id: `cmbench${String(i).padStart(18, "0")}`, name: `worker-${i}`, description: "", keyId, fingerprint: fingerprint(keyId),
    publicJwk: key.publicKey.jwk, status: "active", statusReason: null, activation: null, tags: ["bench"], owner: "", environment: "",
    permissions: [], verifyAudiences: [], enrolledBy: { type: "host", id: "bench" }, ticketId: null, createdAt: new Date(0), activatedAt: new Date(0), lastSeenAt: null,
  };
}

type Fields = Omit<AuditEntryDocument, "v" | "seq" | "time" | "prevHash">;

async function machineRequest(key: GeneratedKeyPair, machine: Machine, n: number, created: number, backend: Ed25519Backend): Promise<Fields> {
  const path = PATHS[n % PATHS.length]!;
  const hasBody = path !== "/api/v1/whoami";
  const method = hasBody ? "POST" : "GET";
  const targetUri = `${PUBLIC_URL}${path}`;
  const headers: Record<string, string> = {};
  if (hasBody) {
    headers["content-type"] = "application/json";
    headers["content-digest"] = createContentDigest(JSON.stringify({ n, action: "deploy", resource: "svc/api" }));
  }
  const components = defaultComponents(hasBody);
  const signed = await signRequest({ method, targetUri, headers }, { key: key.seed, keyId: key.publicKey.keyId, backend, components, created });
  const request = { method, headers: new Headers({ ...headers, "signature-input": signed.headers["Signature-Input"], signature: signed.headers.Signature }) };
  const verified = {
    ok: true as const, keyId: key.publicKey.keyId, key: { publicKey: key.publicKey.raw, status: "active" as const, machine },
    label: signed.label, params: { ...signed.params, keyid: key.publicKey.keyId }, components, signatureBase: signed.signatureBase, signature: signed.signature,
  };
  return {
    type: "machine.request",
    actor: { type: "machine", id: key.publicKey.keyId },
    subjects: { machine: machine.id },
    summary: `Machine "${machine.name}" sent a signed ${method} ${path}.`,
    evidence: { ...machineRequestEvidence(request, targetUri, verified, machine.publicJwk) },
  };
}

const hex = (n: number) => (n * 2654435761 % 2 ** 32).toString(16).padStart(8, "0").repeat(8);

/** The entries around the requests: registrations, aggregated auth failures, intents, decisions, approvals. */
function otherEntry(kind: number | "registered", seq: number, machine: Machine): Fields {
  const subjects = { machine: machine.id };
  if (kind === "registered") {
    const { id: machineId, name, keyId, fingerprint: fp, publicJwk, tags, status } = machine;
    return { type: "machine.registered", actor: { type: "host", id: "machine-register" }, subjects, summary: `Machine "${name}" registered with key ${fp}.`, evidence: { machineId, name, keyId, fingerprint: fp, publicJwk, tags, status } };
  }
  if (kind < 91) {
    const evidence = { windowStart: new Date(Date.UTC(2026, 10, 1) + seq * 50).toISOString(), code: "signature_invalid", keyId: machine.keyId, count: 1 + (seq % 17) };
    return { type: "auth.failures", actor: { type: "system", id: "pteri" }, subjects, summary: `${evidence.count} requests refused (signature_invalid) for key ${machine.fingerprint}.`, evidence };
  }
  const intent = `in_${hex(seq).slice(0, 20)}`;
  if (kind < 95) {
    return { type: "intent.submitted", actor: { type: "machine", id: machine.keyId }, subjects: { ...subjects, intent }, summary: `Machine "${machine.name}" asked to deploy svc/api.`, evidence: { intentHash: hex(seq), action: "deploy", resource: "svc/api", parameters: { version: `1.${seq % 50}.0` } } };
  }
  if (kind < 98) {
    return { type: "intent.decided", actor: { type: "system", id: "pteri" }, subjects: { ...subjects, intent, policyVersion: "pv_12" }, summary: "Policy pv_12 rule deploy-needs-approval: needs approval.", evidence: { decision: "needs_approval", policyVersion: "pv_12", rule: "deploy-needs-approval" } };
  }
  const assertion = { credentialId: hex(seq + 1).slice(0, 43), authenticatorData: hex(seq + 2), clientDataJSON: hex(seq + 3).repeat(3), signature: hex(seq + 4) };
  return { type: "approval.granted", actor: { type: "operator", id: "op_alice" }, subjects: { ...subjects, intent, approval: `ap_${seq}`, operator: "op_alice" }, summary: "Alice approved deploy of svc/api.", evidence: { decision: "approve", reason: "release window", assertion } };
}

export interface GenerateOptions {
  machines?: number;
  /**
   * Distinct signed requests (each with its own nonce and signature). Signing a million
   * requests here would cost more than verifying them, so past this many the signed
   * material repeats, in entries that still differ (seq, time, chain) and whose signatures
   * are each verified in full: verification does exactly the work it would on unique ones.
   */
  signedRequests?: number;
}

/** Generates `entries` entries into `file`: 87% signed machine requests, the rest other kinds. */
export async function generateAuditExport(file: string, entries: number, options: GenerateOptions = {}): Promise<GeneratedExport> {
  const started = performance.now();
  const machineCount = options.machines ?? 5;
  const logKey = await generateKeyPair(nodeEd25519);
  const vkey = formatVkey({ name: BENCH_ORIGIN, publicKey: logKey.publicKey.raw });
  const keys = await Promise.all(Array.from({ length: machineCount }, () => generateKeyPair(nodeEd25519)));
  const machines = keys.map(machineOf);
  const backend = cachedSigner();
  const t0 = Date.UTC(2026, 10, 1);
  const pool: Fields[] = [];
  const poolSize = Math.max(1, Math.min(options.signedRequests ?? 16_384, entries));
  for (let i = 0; i < poolSize; i++) {
    const m = i % machineCount;
    pool.push(await machineRequest(keys[m]!, machines[m]!, i, Math.floor((t0 + i * 50) / 1000), backend));
  }

  const out = fs.createWriteStream(file);
  let pending: string[] = [];
  const emit = async (line: ExportLine) => {
    pending.push(JSON.stringify(line));
    if (pending.length >= 512) await flush();
  };
  const flush = async () => {
    if (!out.write(`${pending.join("\n")}\n`)) await once(out, "drain");
    pending = [];
  };

  await emit({ kind: "header", format: "pteri-audit-export", version: 1, origin: BENCH_ORIGIN, logKey: vkey, from: 0, to: entries - 1, exportedAt: new Date(t0 + entries * 50).toISOString() });
  for (const key of keys) await emit({ kind: "key", keyId: key.publicKey.keyId, publicJwk: key.publicKey.jwk, status: "active" });

  const tree = new StreamingTree();
  let prevHash = GENESIS_PREV_HASH;
  let requests = 0;
  for (let seq = 0; seq < entries; seq++) {
    const kind = seq < machineCount ? "registered" : seq % 100;
    const fields = kind === "registered" || kind >= 87 ? otherEntry(kind, seq, machines[seq % machineCount]!) : pool[requests++ % poolSize]!;
    const doc: AuditEntryDocument = { v: AUDIT_ENTRY_VERSION, seq, time: new Date(t0 + seq * 50).toISOString(), ...fields, prevHash };
    prevHash = entryHash(doc);
    tree.push(entryLeafHash(prevHash));
    await emit({ kind: "entry", ...doc, entryHash: prevHash });
  }
  const note = await signNote(formatCheckpoint({ origin: BENCH_ORIGIN, size: entries, rootHash: tree.root() }), { name: BENCH_ORIGIN, seed: logKey.seed }, nodeEd25519);
  await emit({ kind: "checkpoint", note });
  await flush();
  out.end();
  await once(out, "finish");
  return { file, vkey, entries, machineRequests: requests, signedRequests: poolSize, bytes: fs.statSync(file).size, seconds: (performance.now() - started) / 1000 };
}
