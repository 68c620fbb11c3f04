// Signed requests against the real production server: a machine registered with the host
// command signs GET /api/v1/whoami with the protocol library (no SDK); a second Console
// instance sharing the data directory refuses the replay; a revocation written straight to
// the database applies to the next request on both instances.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext } from "@playwright/test";
import Database from "better-sqlite3";
import { createContentDigest } from "../lib/protocol/digest";
import { nodeEd25519 } from "../lib/protocol/ed25519-node";
import { defaultComponents, signRequest } from "../lib/protocol/httpsig/sign";
import { generateKeyPair, type GeneratedKeyPair } from "../lib/protocol/keys";

const run = promisify(execFile);
const dataDir = process.env.PTERI_E2E_DATA_DIR as string;
const SECOND_PORT = 3211;

test.describe.configure({ mode: "serial" });

let key: GeneratedKeyPair;
let machineId: string;
let second: ChildProcess | undefined;

interface Signed {
  headers: Record<string, string>;
}

async function sign(url: string, method = "GET", body?: string): Promise<Signed> {
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-digest"] = createContentDigest(body);
  }
  const result = await signRequest(
    { method, targetUri: url, headers, body: body ?? null },
    { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(body !== undefined) },
  );
  return { headers: { ...headers, ...result.headers } };
}

async function problemCode(request: APIRequestContext, url: string, signed: Signed): Promise<{ status: number; code: unknown; type: string | undefined }> {
  const response = await request.get(url, { headers: signed.headers });
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status(), code: body.code, type: response.headers()["content-type"] };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the second instance exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

test.beforeAll(async () => {
  key = await generateKeyPair(nodeEd25519);
  const file = path.join(dataDir, "e2e-machine.pub.jwk");
  fs.writeFileSync(file, JSON.stringify(key.publicKey.jwk));
  const { stdout } = await run("npx", ["tsx", "scripts/admin.ts", "machine-register", "--name", "e2e machine", "--public-key", file, "--tag", "e2e", "--json"], {
    env: { ...process.env, PTERI_DATA_DIR: dataDir, DATABASE_URL: "", PTERI_PUBLIC_URL: "" },
    timeout: 120_000,
  });
  const report = JSON.parse(stdout) as { id: string; keyId: string; fingerprint: string };
  expect(report.keyId).toBe(key.publicKey.keyId);
  expect(report.fingerprint).toMatch(/^SHA256:/);
  machineId = report.id;
});

test.afterAll(async () => {
  if (second?.pid !== undefined && second.exitCode === null) {
    // Its own process group (detached), so next's worker goes with it.
    process.kill(-second.pid, "SIGTERM");
    await new Promise((resolve) => second?.once("exit", resolve));
  }
});

test("a registered machine's signed request returns its identity; replays and revoked keys are refused on every instance", async ({ request, baseURL }) => {
  test.setTimeout(180_000);
  const whoami = `${baseURL}/api/v1/whoami`;

  // 1. The first instance answers a correctly signed request with the machine's identity.
  const signed = await sign(whoami);
  const response = await request.get(whoami, { headers: signed.headers });
  expect(response.status()).toBe(200);
  const identity = (await response.json()) as { machine: Record<string, unknown>; auditSeq: number };
  expect(identity.machine).toEqual({
    id: machineId,
    name: "e2e machine",
    keyId: key.publicKey.keyId,
    fingerprint: expect.stringMatching(/^SHA256:/),
    status: "active",
    tags: ["e2e"],
    permissions: [],
  });
  expect(identity.auditSeq).toBeGreaterThan(0);

  // 2. A second instance on another port, sharing the data directory (and so the database).
  const secondUrl = `http://localhost:${SECOND_PORT}`;
  second = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(SECOND_PORT)], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(SECOND_PORT), PTERI_DATA_DIR: dataDir, PTERI_PUBLIC_URL: baseURL, DATABASE_URL: "" },
    stdio: "ignore",
    detached: true,
  });
  await waitForHealth(`${secondUrl}/api/health`, second, 90_000);

  // 3. The exact same signed request, replayed to the other instance, is refused.
  expect(await problemCode(request, `${secondUrl}/api/v1/whoami`, signed)).toEqual({ status: 401, code: "replayed", type: "application/problem+json" });

  // ...while a fresh signature works there too (its target is rebuilt from PTERI_PUBLIC_URL, not Host).
  expect((await request.get(`${secondUrl}/api/v1/whoami`, { headers: (await sign(whoami)).headers })).status()).toBe(200);

  // 4. A signed body goes through; the same body altered after signing is refused.
  const body = JSON.stringify({ purpose: "body signing" });
  const post = await sign(whoami, "POST", body);
  const tampered = await request.post(whoami, { headers: post.headers, data: JSON.stringify({ purpose: "altered" }) });
  expect([tampered.status(), ((await tampered.json()) as { code: string }).code]).toEqual([401, "digest_mismatch"]);
  expect((await request.post(whoami, { headers: post.headers, data: body })).status()).toBe(200);

  // 5. Revoked directly in the database: the next request is refused on both instances.
  const db = new Database(path.join(dataDir, "pteri.db"), { timeout: 10_000 });
  try {
    db.prepare(`UPDATE "Machine" SET "status" = 'revoked' WHERE "id" = ?`).run(machineId);
  } finally {
    db.close();
  }
  for (const origin of [baseURL, secondUrl]) {
    expect(await problemCode(request, `${origin}/api/v1/whoami`, await sign(whoami))).toEqual({ status: 403, code: "key_revoked", type: "application/problem+json" });
  }
});

test("an unsigned or garbled request gets problem+json, never a server error", async ({ request, baseURL }) => {
  const whoami = `${baseURL}/api/v1/whoami`;
  const unsigned = await request.get(whoami);
  expect(unsigned.status()).toBe(401);
  expect(unsigned.headers()["content-type"]).toBe("application/problem+json");
  expect(await unsigned.json()).toMatchObject({ type: "https://pteri.dev/problems/signature_missing", code: "signature_missing", status: 401 });

  const garbled = await request.get(whoami, { headers: { "signature-input": "%%%", signature: "sig1=:AAAA:" } });
  expect(garbled.status()).toBe(400);
  expect(await garbled.json()).toMatchObject({ code: "signature_malformed" });

  const huge = await request.post(whoami, { headers: { "signature-input": 'sig1=("@method")', signature: "sig1=:AAAA:" }, data: Buffer.alloc(2 * 1024 * 1024) });
  expect(huge.status()).toBe(413);
});
