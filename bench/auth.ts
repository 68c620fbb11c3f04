/**
 * Authentication benchmark (issue 3): Ed25519 with each back end, verifyRequest alone, and
 * authenticated requests per second through a real HTTP server for PTERI's signed requests
 * and, side by side in the same run, for the static API-key check PTERI replaces. Loopback
 * only, bounded loops, about twenty seconds in all.
 *
 * The HTTP comparison: the same server process serves both paths with the same JSON answer;
 * the same load generator (CONCURRENCY requests in flight over keep-alive connections) drives
 * both; signed requests are signed before the clock starts (each needs its own nonce). After
 * a warm-up, ROUNDS rounds each measure one slice of each path back to back (alternating
 * which goes first), and the figures are medians over the rounds: requests/s per path, the
 * ratio per round, latency percentiles over all requests, and the server's event-loop
 * utilization (near 100% means the figure is the server's, not the load generator's).
 * The HTTP figures are measured on each database (bench/database.ts); the others need none.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { nobleVerifySync } from "../lib/protocol/ed25519-noble";
import { nodeEd25519, verifySync } from "../lib/protocol/ed25519-node";
import { utf8Encode } from "../lib/protocol/encoding";
import { PTERI_SIGNATURE_RULES } from "../lib/protocol/httpsig/policy";
import { defaultComponents, signRequest } from "../lib/protocol/httpsig/sign";
import { verifyRequest } from "../lib/protocol/httpsig/verify";
import { generateKeyPair, type GeneratedKeyPair } from "../lib/protocol/keys";
import { benchDataDir, type BenchDatabase, type BenchDataDir } from "./database";
import { onEachDatabase, opsPerSecond, opsPerSecondSync, type BenchResult, type GroupResults } from "./result";

const MICRO_MS = 800;
/** HTTP: warm-up (twice per path), then ROUNDS rounds of one slice per path, back to back. */
const WARMUP_MS = 500;
const SLICE_MS = 600;
const ROUNDS = 9;
const CONCURRENCY = 8;
/** Pre-signed requests: enough for the signed slices at several thousand requests/s. */
const PRESIGNED = 12_000;
const PUBLIC_URL = "http://bench.pteri.test"; // = BENCH_PUBLIC_URL in auth-server.ts
const TARGET = `${PUBLIC_URL}/api/v1/whoami`;

async function cryptoBenches(key: GeneratedKeyPair): Promise<BenchResult[]> {
  const message = utf8Encode('"@method": GET\n"@target-uri": https://pteri.example.com/api/v1/whoami\n"@signature-params": ...');
  const signature = await nodeEd25519.sign(key.seed, message);
  const pk = key.publicKey.raw;
  if (!verifySync(pk, message, signature) || !nobleVerifySync(pk, message, signature)) throw new Error("bench: back ends disagree");
  const node = opsPerSecondSync(MICRO_MS, () => verifySync(pk, message, signature));
  const noble = opsPerSecondSync(MICRO_MS, () => nobleVerifySync(pk, message, signature), 16);

  // verifyRequest alone: parse, policy, signature base, verify. The key and nonce stores are
  // in memory here (the HTTP figures below include the database).
  const signed = await signRequest({ method: "GET", targetUri: TARGET, headers: {} }, { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(false) });
  const request = { method: "GET", targetUri: TARGET, headers: signed.headers };
  const resolved = { publicKey: pk };
  const options = { policy: { ...PTERI_SIGNATURE_RULES, now: () => Date.now() / 1000, checkNonce: () => true }, resolveKey: () => resolved, backend: nodeEd25519 };
  if (!(await verifyRequest(request, options)).ok) throw new Error("bench: verifyRequest refused its own request");
  const full = await opsPerSecond(MICRO_MS, () => verifyRequest(request, options));
  return [
    { name: "Ed25519 verify, node:crypto (verifySync)", value: node, unit: "ops/s" },
    { name: "Ed25519 verify, @noble/ed25519", value: noble, unit: "ops/s", note: `node:crypto is ${(node / noble).toFixed(1)}x faster` },
    { name: "verifyRequest (RFC 9421, node back end)", value: full, unit: "ops/s", note: "key and nonce stores in memory" },
  ];
}

interface Server {
  child: ChildProcess;
  port: number;
}

async function startServer(dataDir: BenchDataDir, key: GeneratedKeyPair, apiKey: string): Promise<Server> {
  const script = path.join(import.meta.dirname, "auth-server.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(key.publicKey.jwk), apiKey], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...dataDir.env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, port };
}

type Sendable = { path: string; headers: Record<string, string> };
type Slice = { done: number; ms: number; failures: number; latencies: number[]; ranOut: boolean };

/** Sends requests from `next()` with CONCURRENCY in flight until `ms` passed or it runs out. */
async function load(port: number, ms: number, next: () => Sendable | undefined): Promise<Slice> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const once = (r: Sendable) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: r.path, headers: r.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
  const slice: Slice = { done: 0, ms: 0, failures: 0, latencies: [], ranOut: false };
  const start = performance.now();
  const worker = async () => {
    for (;;) {
      if (performance.now() - start >= ms) return;
      const r = next();
      if (!r) {
        slice.ranOut = true;
        return;
      }
      const sent = performance.now();
      if ((await once(r)) !== 200) slice.failures++;
      slice.latencies.push(performance.now() - sent);
      slice.done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  slice.ms = performance.now() - start;
  agent.destroy();
  return slice;
}

async function presign(key: GeneratedKeyPair, count: number): Promise<Sendable[]> {
  const out: Sendable[] = [];
  for (let i = 0; i < count; i++) {
    const signed = await signRequest({ method: "GET", targetUri: TARGET, headers: {} }, { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(false) });
    out.push({ path: "/api/v1/whoami", headers: signed.headers });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** The server's own counters: commits of the signed path, and event-loop busy time. */
interface ServerStats {
  batches: number;
  requests: number;
  /** performance.eventLoopUtilization() of the server: cumulative idle and active ms. */
  elu: { idle: number; active: number };
}

async function serverStats(port: number): Promise<ServerStats> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/bench/stats" }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve(JSON.parse(text) as ServerStats));
      })
      .on("error", reject);
  });
}

type Measured = Slice & { busy: number; batches: number; requests: number };

async function measure(port: number, ms: number, next: () => Sendable | undefined): Promise<Measured> {
  const before = await serverStats(port);
  const slice = await load(port, ms, next);
  const after = await serverStats(port);
  const active = after.elu.active - before.elu.active;
  const idle = after.elu.idle - before.elu.idle;
  return { ...slice, busy: active / (active + idle), batches: after.batches - before.batches, requests: after.requests - before.requests };
}

/** A server on a fresh data directory and database, measured, then stopped and removed. */
async function httpBenches(key: GeneratedKeyPair, database: BenchDatabase): Promise<BenchResult[]> {
  const dataDir = benchDataDir(database, "auth");
  try {
    const apiKey = `pteri_bench_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url")}`;
    const server = await startServer(dataDir, key, apiKey);
    try {
      return await measureHttp(server.port, key, apiKey);
    } finally {
      server.child.kill("SIGTERM");
      await new Promise((resolve) => server.child.once("exit", resolve));
    }
  } finally {
    await dataDir.dispose();
  }
}

async function measureHttp(port: number, key: GeneratedKeyPair, apiKey: string): Promise<BenchResult[]> {
  // Each signed request needs its own nonce: sign them all before the clock starts.
  const signed = await presign(key, PRESIGNED);
  const apiKeyRequest: Sendable = { path: "/apikey/whoami", headers: { authorization: `Bearer ${apiKey}` } };
  const paths = { apiKey: () => apiKeyRequest, signed: () => signed.pop() };
  // Warm both paths (JIT, the database's cache), twice each, alternating.
  for (let i = 0; i < 2; i++) {
    await load(port, WARMUP_MS, paths.signed);
    await load(port, WARMUP_MS, paths.apiKey);
  }

  // Rounds of one slice per path, back to back and in alternating order, so that a change
  // in background load (the machine is shared) affects both paths alike. Each round gives
  // one ratio; the medians over the rounds are reported.
  const runs = { apiKey: [] as Measured[], signed: [] as Measured[] };
  const ratios: number[] = [];
  const rate = (s: Slice) => (s.done * 1000) / s.ms;
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (["apiKey", "signed"] as const) : (["signed", "apiKey"] as const);
    for (const name of order) runs[name].push(await measure(port, SLICE_MS, paths[name]));
    ratios.push(rate(runs.signed.at(-1)!) / rate(runs.apiKey.at(-1)!));
  }
  const failures = [...runs.apiKey, ...runs.signed].reduce((n, s) => n + s.failures, 0);
  if (failures > 0) throw new Error(`bench: ${failures} requests failed`);
  if (runs.signed.some((s) => s.ranOut)) throw new Error("bench: ran out of pre-signed requests; raise PRESIGNED");

  const figures = (name: "apiKey" | "signed") => {
    const latencies = runs[name].flatMap((s) => s.latencies);
    return { rate: median(runs[name].map(rate)), p50: percentile(latencies, 50), p99: percentile(latencies, 99), busy: median(runs[name].map((s) => s.busy)) };
  };
  const a = figures("apiKey");
  const s = figures("signed");
  const commits = runs.signed.reduce((n, r) => n + r.batches, 0);
  const perCommit = commits > 0 ? runs.signed.reduce((n, r) => n + r.requests, 0) / commits : 0;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return [
    {
      name: "HTTP: static API key (SHA-256 lookup)",
      value: a.rate,
      unit: "req/s",
      note: `median of ${ROUNDS} rounds, ${CONCURRENCY} in flight, keep-alive, 127.0.0.1; latency p50 ${ms(a.p50)}, p99 ${ms(a.p99)}; server busy ${pct(a.busy)}`,
    },
    {
      name: "HTTP: PTERI signed request",
      value: s.rate,
      unit: "req/s",
      note: `verify, digest, nonce claim, audit append; latency p50 ${ms(s.p50)}, p99 ${ms(s.p99)}; server busy ${pct(s.busy)}; ${perCommit.toFixed(1)} requests per commit`,
    },
    {
      name: "HTTP: signed / API key",
      value: median(ratios),
      unit: "ratio",
      note: `median of the ${ROUNDS} per-round ratios (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); target >= 0.5`,
    },
  ];
}

export async function benchAuth(databases: BenchDatabase[]): Promise<GroupResults> {
  const key = await generateKeyPair(nodeEd25519);
  const shared = await cryptoBenches(key);
  return { shared, byDatabase: await onEachDatabase("auth", databases, (database) => httpBenches(key, database)) };
}
