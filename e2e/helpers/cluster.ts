/**
 * Several Console instances on one PostgreSQL database, as behind a load balancer: a throwaway
 * PostgreSQL cluster, `npm start`'s own start script run once per port (each migrates, then
 * serves the build the Playwright web server made), and machine requests signed for the one
 * public URL but sent to a chosen instance.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { buildIsCurrent } from "../../scripts/build-fingerprint";
import { createContentDigest } from "../../lib/protocol/digest";
import { nodeEd25519 } from "../../lib/protocol/ed25519-node";
import { defaultComponents, signRequest } from "../../lib/protocol/httpsig/sign";
import type { GeneratedKeyPair } from "../../lib/protocol/keys";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** What every instance shares: the database, the data directory (secrets, log key) and the public URL. */
export interface ClusterEnv {
  databaseUrl: string;
  dataDir: string;
  publicUrl: string;
}

export interface ConsoleInstance {
  /** Where this instance listens (not the public URL). */
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (start-up, migrations, errors). */
  output(): string;
}

function clusterEnv(env: ClusterEnv, port?: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: env.databaseUrl,
    PTERI_DATA_DIR: env.dataDir,
    PTERI_PUBLIC_URL: env.publicUrl,
    PORT: port === undefined ? "" : String(port),
  };
}

/**
 * `tsx scripts/start.ts` on `port`. Both instances would run `next build` into the one .next
 * the shared server is serving if the sources changed since it built, so that stops here.
 */
export function startConsole(env: ClusterEnv, port: number): ConsoleInstance {
  if (!buildIsCurrent(ROOT)) throw new Error("The Console build is not current (sources changed since the Playwright web server built it); rerun the tests.");
  // Its own process group (detached), so `next start`, which start.ts spawns, is stopped with it.
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts"], { cwd: ROOT, env: clusterEnv(env, port), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { url: `http://localhost:${port}`, child, output: () => output };
}

export async function waitForHealth(instance: ConsoleInstance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`${instance.url} exited with ${instance.child.exitCode}:\n${instance.output()}`);
    try {
      if ((await fetch(`${instance.url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${instance.url} did not answer within ${timeoutMs} ms:\n${instance.output()}`);
}

export async function stopConsole(instance: ConsoleInstance | undefined): Promise<void> {
  const { child } = instance ?? {};
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await exited;
}

/** `npm run admin -- ARGS` against the cluster's database and data directory; stdout. */
export async function clusterAdmin(env: ClusterEnv, args: string[]): Promise<string> {
  const { stdout } = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/admin.ts", ...args], { cwd: ROOT, env: clusterEnv(env), timeout: 60_000 });
  return stdout;
}

export interface SignedMessage {
  method: string;
  /** The URL the signature covers: the public URL's, whichever instance receives it. */
  targetUri: string;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * Signs a request with the protocol library as a machine does (no SDK): @method, @target-uri,
 * and for a body content-digest and content-type, plus any `cover` header given in `headers`.
 */
export async function signMessage(key: GeneratedKeyPair, method: string, targetUri: string, options: { body?: string; headers?: Record<string, string>; cover?: string[] } = {}): Promise<SignedMessage> {
  const body = options.body ?? null;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== null) {
    headers["content-type"] = "application/json";
    headers["content-digest"] = createContentDigest(body);
  }
  const components = [...defaultComponents(body !== null), ...(options.cover ?? [])];
  const result = await signRequest({ method, targetUri, headers, body }, { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components });
  return { method, targetUri, headers: { ...headers, ...result.headers }, body };
}

/** Sends a signed message, byte for byte, to one instance (the path of its target, that instance's origin). */
export function sendTo(instance: ConsoleInstance, message: SignedMessage): Promise<Response> {
  const target = new URL(message.targetUri);
  return fetch(`${instance.url}${target.pathname}${target.search}`, { method: message.method, headers: message.headers, body: message.body });
}
