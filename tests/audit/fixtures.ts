/**
 * Shared set-up for the audit tests: a fresh data directory and SQLite database per file,
 * the log identity, machine requests recorded through the real authentication path, and the
 * export written to a file for the verifier.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { MAX_BODY_BYTES } from "@/lib/auth/limits";
import { recordAuditEvent } from "@/lib/audit/log";
import { exportAuditLog, resolveExportRange } from "@/lib/audit/export";
import { getLogIdentity, type LogIdentity } from "@/lib/audit/log-identity";
import { loadConfig, type Config } from "@/lib/config/env";
import { createDb, databaseKind, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { writeTransaction } from "@/lib/db/transaction";
import { registerMachine } from "@/lib/machines/repository";
import { createContentDigest } from "@/lib/protocol/digest";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { defaultComponents, signRequest } from "@/lib/protocol/httpsig/sign";
import { generateKeyPair, type GeneratedKeyPair } from "@/lib/protocol/keys";
import { dropTestDatabase, testDatabaseEnv } from "@/tests/helpers/database";

export const PUBLIC_URL = "http://localhost:3000";

export interface TestLog {
  dir: string;
  config: Config;
  db: Db;
  identity: LogIdentity;
  close(): Promise<void>;
}

export async function freshLog(env: Record<string, string> = {}): Promise<TestLog> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-audit-"));
  const config = loadConfig({ PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: PUBLIC_URL, ...testDatabaseEnv(dir), ...env });
  await prepareDatabase(config);
  return openTestLog(dir, config);
}

/** Opens the log in an already prepared data directory; close() removes the directory. */
export async function openTestLog(dir: string, config: Config): Promise<TestLog> {
  const db = createDb(config.databaseUrl);
  const identity = await getLogIdentity(db, config);
  return {
    dir,
    config,
    db,
    identity,
    async close() {
      await db.$disconnect();
      await dropTestDatabase(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function appendEvents(db: Db, count: number, label = "event"): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (let i = 0; i < count; i++) {
      await recordAuditEvent(tx, { type: "test.event", actor: { type: "host", id: "test" }, summary: `${label} ${i}`, evidence: { i } });
    }
  });
}

export async function enroll(db: Db, name: string): Promise<GeneratedKeyPair> {
  const key = await generateKeyPair(nodeEd25519);
  await writeTransaction(db, (tx) => registerMachine(tx, { name, publicKey: key.publicKey.jwk, actor: { type: "host", id: "test" } }));
  return key;
}

/** A machine's signed request, accepted by the server's own authentication: records a `machine.request` entry. */
export async function machineRequest(log: TestLog, key: GeneratedKeyPair, body?: string): Promise<number> {
  const url = `${PUBLIC_URL}/api/v1/whoami`;
  const headers: Record<string, string> = {};
  if (body) {
    headers["content-type"] = "application/json";
    headers["content-digest"] = createContentDigest(body);
  }
  const method = body ? "POST" : "GET";
  const signed = await signRequest(
    { method, targetUri: url, headers, body: body ?? null },
    { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(!!body) },
  );
  const request = new Request(url, { method, headers: { ...headers, ...signed.headers }, body: body ?? null });
  const result = await authenticateMachineRequest(request, {
    db: log.db,
    config: log.config,
    now: Date.now,
    backend: nodeEd25519,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  if (!result.ok) throw new Error(`the test request was refused: ${result.code}`);
  return result.auditSeq;
}

export async function exportLines(log: TestLog, from?: number, to?: number): Promise<string[]> {
  const lines: string[] = [];
  const range = await resolveExportRange(log.db, from, to);
  for await (const line of exportAuditLog(log.db, log.identity, range, { batchSize: 7 })) lines.push(line);
  return lines;
}

export function writeExport(log: TestLog, lines: string[], name = "export.jsonl"): string {
  const file = path.join(log.dir, name);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(""));
  return file;
}

/** What an attacker with database access does first: remove the append-only guards. */
export async function dropGuards(db: Db): Promise<void> {
  const on = databaseKind(db) === "postgresql" ? ` ON "AuditEntry"` : "";
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "AuditEntry_no_update"${on}`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "AuditEntry_no_delete"${on}`);
}
