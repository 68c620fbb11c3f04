// The benchmark's HTTP server, run in its own process (tsx) so that the load generator does
// not share its core. It serves two endpoints with the same JSON answer:
//   /api/v1/whoami   PTERI: authenticateMachineRequest (verify, digest, nonce claim, audit append)
//   /apikey/whoami   the static API key PTERI replaces: SHA-256 of the bearer key, one lookup
//   /bench/stats     commits of the signed path (group commit) and the server's event-loop use
// Usage: PTERI_DATA_DIR=DIR [DATABASE_URL=URL] tsx bench/auth-server.ts PUBLIC_JWK_JSON API_KEY
//   -> prints {"port":N}. The database is the one the environment selects (bench/database.ts).
import { createHash } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { authenticateMachineRequest } from "../lib/auth/authenticate-machine";
import { MAX_BODY_BYTES } from "../lib/auth/limits";
import { requestCommitStats } from "../lib/auth/request-commit";
import { loadConfig } from "../lib/config/env";
import { createDb } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { writeTransaction } from "../lib/db/transaction";
import { machineSummary } from "../lib/machines/model";
import { registerMachine } from "../lib/machines/repository";
import { nodeEd25519 } from "../lib/protocol/ed25519-node";
import { fingerprint } from "../lib/protocol/keys";

export const BENCH_PUBLIC_URL = "http://bench.pteri.test";

const [jwkJson, apiKey] = process.argv.slice(2);
const { PTERI_DATA_DIR, DATABASE_URL } = process.env;
if (!PTERI_DATA_DIR || !jwkJson || !apiKey) throw new Error("usage: PTERI_DATA_DIR=DIR [DATABASE_URL=URL] auth-server.ts PUBLIC_JWK_JSON API_KEY");

const config = loadConfig({ PTERI_DATA_DIR, DATABASE_URL, PTERI_PUBLIC_URL: BENCH_PUBLIC_URL });
await prepareDatabase(config);
const db = createDb(config.databaseUrl);
const machine = await writeTransaction(db, (tx) =>
  registerMachine(tx, { name: "bench machine", publicKey: JSON.parse(jwkJson) as object, actor: { type: "host", id: "bench" } }),
);

// The API-key baseline's table exists only in the benchmark's temporary database.
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
await db.$executeRawUnsafe(`CREATE TABLE "BenchApiKey" ("hash" TEXT NOT NULL PRIMARY KEY, "machineId" TEXT NOT NULL)`);
await db.$executeRaw`INSERT INTO "BenchApiKey" ("hash", "machineId") VALUES (${sha256(apiKey)}, ${machine.id})`;

const deps = { db, config, now: Date.now, backend: nodeEd25519, maxBodyBytes: MAX_BODY_BYTES };

/** What Next.js does for a route handler: turn the Node request into a web Request. */
function toRequest(req: http.IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? (req as unknown as ReadableStream) : undefined,
    duplex: "half",
  } as RequestInit);
}

function send(res: http.ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  return response.text().then((text) => void res.end(text));
}

async function apiKeyWhoami(request: Request): Promise<Response> {
  const match = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1]) return Response.json({ code: "unauthorized" }, { status: 401 });
  // One indexed lookup by the key's hash, joined to the machine it belongs to.
  const rows = await db.$queryRaw<{ id: string; name: string; keyId: string; status: string; tags: string }[]>`
    SELECT m."id", m."name", m."keyId", m."status", m."tags" FROM "BenchApiKey" k JOIN "Machine" m ON m."id" = k."machineId" WHERE k."hash" = ${sha256(match[1])}`;
  const row = rows[0];
  if (!row || row.status !== "active") return Response.json({ code: "unauthorized" }, { status: 401 });
  const body = { machine: { id: row.id, name: row.name, keyId: row.keyId, fingerprint: fingerprint(row.keyId), status: row.status, tags: JSON.parse(row.tags) as string[] }, auditSeq: null };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
}

async function signedWhoami(request: Request): Promise<Response> {
  const auth = await authenticateMachineRequest(request, deps);
  if (!auth.ok) return auth.response;
  return Response.json({ machine: machineSummary(auth.machine), auditSeq: auth.auditSeq }, { headers: { "cache-control": "no-store" } });
}

const server = http.createServer((req, res) => {
  if (req.url === "/bench/stats") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ...requestCommitStats(db), elu: performance.eventLoopUtilization() }));
    return;
  }
  const request = toRequest(req);
  const handler = req.url?.startsWith("/apikey/") ? apiKeyWhoami : signedWhoami;
  handler(request)
    .then((response) => send(res, response))
    .catch(() => {
      res.statusCode = 500;
      res.end();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }));
});
process.on("SIGTERM", () => {
  server.close();
  void db.$disconnect().then(() => process.exit(0));
});
