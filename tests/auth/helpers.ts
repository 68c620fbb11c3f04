/** Shared set-up for the request-authentication tests: a fresh database per file, keys, signing. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "@/lib/config/env";
import { createDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { writeTransaction } from "@/lib/db/transaction";
import type { AuthDeps } from "@/lib/auth/deps";
import { MAX_BODY_BYTES } from "@/lib/auth/limits";
import { registerMachine } from "@/lib/machines/repository";
import type { Machine } from "@/lib/machines/model";
import { createContentDigest } from "@/lib/protocol/digest";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { defaultComponents, signRequest, type SignOptions } from "@/lib/protocol/httpsig/sign";
import { generateKeyPair, type GeneratedKeyPair } from "@/lib/protocol/keys";
import { dropTestDatabase, testDatabaseEnv } from "@/tests/helpers/database";

/** A fixed server clock (ms): 2026-12-04T12:00:30Z, mid-minute. */
export const NOW_MS = Date.UTC(2026, 11, 4, 12, 0, 30);
export const NOW_S = NOW_MS / 1000;
export const PUBLIC_URL = "http://localhost:3000";

export interface TestDb {
  dir: string;
  config: Config;
  db: Db;
  /** Another client on the same file: a second Console instance. */
  openSecondClient(): Db;
  close(): Promise<void>;
}

export async function freshDb(publicUrl = PUBLIC_URL): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-auth-"));
  const config = loadConfig({ PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: publicUrl, ...testDatabaseEnv(dir) });
  await prepareDatabase(config);
  const db = createDb(config.databaseUrl);
  const others: Db[] = [];
  return {
    dir,
    config,
    db,
    openSecondClient() {
      const other = createDb(config.databaseUrl);
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([db, ...others].map((c) => c.$disconnect()));
      await dropTestDatabase(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function testDeps(db: Db, config: Pick<Config, "publicUrl">, over: Partial<AuthDeps> = {}): AuthDeps {
  return { db, config, now: () => NOW_MS, backend: nodeEd25519, maxBodyBytes: MAX_BODY_BYTES, ...over };
}

export interface Enrolled {
  key: GeneratedKeyPair;
  machine: Machine;
}

export async function enroll(db: Db, name = "builder", tags: string[] = []): Promise<Enrolled> {
  const key = await generateKeyPair(nodeEd25519);
  const machine = await writeTransaction(db, (tx) =>
    registerMachine(tx, { name, publicKey: key.publicKey.jwk, tags, actor: { type: "host", id: "test" } }),
  );
  return { key, machine };
}

export async function setStatus(db: Db, machineId: string, status: string): Promise<void> {
  // Tests change the row directly, as an operator action would (its audit entry is not the point here).
  await db.machine.update({ where: { id: machineId }, data: { status } });
}

export interface SignedRequestOptions {
  method?: string;
  /** What the client addresses and signs. */
  url?: string;
  /** What the server sees (request.url), when a proxy rewrites it; default `url`. */
  serverUrl?: string;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  sign?: Partial<SignOptions>;
}

export interface SignedRequest {
  /** A new Request each call: a Request body can be read once. */
  make(over?: { body?: string | Uint8Array; headers?: Record<string, string> }): Request;
  nonce: string;
  signatureBase: string;
}

/** Signs like a machine would (the protocol library, no SDK) and returns a Request factory. */
export async function signedRequest(key: GeneratedKeyPair, opts: SignedRequestOptions = {}): Promise<SignedRequest> {
  const method = opts.method ?? (opts.body === undefined ? "GET" : "POST");
  const url = opts.url ?? `${PUBLIC_URL}/api/v1/whoami`;
  const headers: Record<string, string> = { ...opts.headers };
  const hasBody = opts.body !== undefined && opts.body.length > 0;
  if (hasBody && opts.body !== undefined) {
    headers["content-type"] = opts.contentType ?? "application/json";
    headers["content-digest"] = createContentDigest(opts.body);
  }
  const result = await signRequest(
    { method, targetUri: url, headers, body: opts.body ?? null },
    { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(hasBody), now: () => NOW_S, ...opts.sign },
  );
  const signedHeaders = { ...headers, ...result.headers };
  return {
    nonce: result.params.nonce ?? "",
    signatureBase: result.signatureBase,
    make(over = {}) {
      const body = over.body ?? opts.body;
      const h = new Headers(signedHeaders);
      for (const [name, value] of Object.entries(over.headers ?? {})) h.set(name, value);
      return new Request(opts.serverUrl ?? url, {
        method,
        headers: h,
        body: body === undefined ? undefined : typeof body === "string" ? body : new Uint8Array(body),
      });
    },
  };
}

export async function problemOf(response: Response): Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }> {
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as Record<string, unknown> };
}
