/**
 * pteri audit verify --server URL: the live log must only ever grow from the checkpoint this
 * machine saw last. Fetches the current checkpoint, checks its signature with the pinned log
 * key, and proves (RFC 9162 consistency proof from /.well-known/pteri-consistency) that the
 * remembered tree is a prefix of it; then remembers the new one. The first run trusts what it
 * sees (trust on first use) and says so. A tree that shrank, another root at the same size or
 * a proof that fails means the log's history was rewritten.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseVkey, verifyCheckpoint, type Checkpoint } from "../../audit/checkpoint";
import { verifyConsistency } from "../../audit/merkle-verify";
import { base64Encode, constantTimeEqual, tryBase64Decode } from "../../protocol/encoding";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { CliError, EXIT } from "../errors";
import { printJson, printLine } from "../output";

const REWRITTEN = "the log's history was rewritten";
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 30_000;

export interface LiveLogOptions {
  server: string;
  logKey: string;
  /** --state FILE, else the default per-origin file. */
  stateFile?: string;
  json: boolean;
  env?: NodeJS.ProcessEnv;
}

interface SavedState {
  origin: string;
  /** The signed note, verbatim: the state proves itself with the log key. */
  checkpoint: string;
  server: string;
  seenAt: string;
}

/** $XDG_STATE_HOME/pteri/checkpoints/<origin> (or ~/.local/state/...): one file per log. */
export function defaultStateFile(origin: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME?.trim() || path.join(os.homedir(), ".local", "state");
  return path.join(base, "pteri", "checkpoints", `${encodeURIComponent(origin)}.json`);
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot reach ${url}: ${cause}`);
  }
  const text = await response.text();
  if (!response.ok) throw new CliError(`${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  if (text.length > MAX_ANSWER_BYTES) throw new CliError(`${url} answered more than ${MAX_ANSWER_BYTES} bytes`);
  return text;
}

async function checked(note: string, logKey: string, origin: string, what: string): Promise<Checkpoint> {
  const result = await verifyCheckpoint(note, [logKey], nodeEd25519, { origin });
  if (!result.ok) throw new CliError(`${what} is not validly signed by the log key (${result.message})`);
  return result.checkpoint;
}

function loadState(file: string): SavedState | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CliError(`cannot read the state file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const state = JSON.parse(text) as SavedState;
    if (typeof state.checkpoint === "string" && typeof state.origin === "string") return state;
  } catch {
    // reported below
  }
  throw new CliError(`the state file ${file} is damaged; remove it to start over (the next run then trusts the log on first use)`);
}

/** Atomically, mode 0600 in a 0700 directory: the remembered checkpoint is this verifier's evidence. */
function saveState(file: string, state: SavedState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}

async function consistencyProof(server: string, from: number, to: number): Promise<Uint8Array[] | null> {
  const text = await fetchText(`${server}/.well-known/pteri-consistency?from=${from}&to=${to}`);
  let answer: { from?: unknown; to?: unknown; proof?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return null;
  }
  if (answer.from !== from || answer.to !== to || !Array.isArray(answer.proof) || answer.proof.length > 64) return null;
  const proof = answer.proof.map((h) => tryBase64Decode(h));
  return proof.every((h): h is Uint8Array => h !== null && h.length === 32) ? proof : null;
}

export async function verifyLiveLog(options: LiveLogOptions): Promise<number> {
  const key = parseVkey(options.logKey);
  if (!key.ok) throw new CliError(`--log-key is not a verifier key: ${key.message}`);
  const origin = key.key.name;
  const server = options.server.replace(/\/+$/, "");
  const file = options.stateFile ?? defaultStateFile(origin, options.env);
  const note = await fetchText(`${server}/.well-known/pteri-checkpoint`);
  const current = await checked(note, options.logKey, origin, `the checkpoint ${server} serves`);
  const saved = loadState(file);
  const root = (c: Checkpoint) => base64Encode(c.rootHash);
  const remember = () => saveState(file, { origin, checkpoint: note, server, seenAt: new Date().toISOString() });
  const report = (ok: boolean, previous: Checkpoint | null, message: string) => {
    if (options.json) {
      printJson({ ok, origin, server, stateFile: file, firstUse: previous === null, previous: previous && { size: previous.size, rootHash: root(previous) }, current: { size: current.size, rootHash: root(current) }, message });
    } else if (ok) printLine(message);
    if (!ok) throw new CliError(message);
    return EXIT.ok;
  };

  if (!saved) {
    remember();
    return report(true, null, `First run: trusting log ${origin} at size ${current.size} (root ${root(current)}) on first use; remembered in ${file}. Later runs prove the log only grew from it.`);
  }
  if (saved.origin !== origin) throw new CliError(`the state file ${file} is for log ${JSON.stringify(saved.origin)}, not ${JSON.stringify(origin)}; use another --state FILE`);
  const previous = await checked(saved.checkpoint, options.logKey, origin, `the checkpoint remembered in ${file}`);
  if (current.size < previous.size) {
    return report(false, previous, `${REWRITTEN}: the log now has ${current.size} entries, but it had ${previous.size} when this machine last checked (${saved.seenAt})`);
  }
  if (current.size === previous.size) {
    if (!constantTimeEqual(current.rootHash, previous.rootHash)) {
      return report(false, previous, `${REWRITTEN}: at size ${current.size} its root is now ${root(current)}, but it was ${root(previous)} when this machine last checked (${saved.seenAt})`);
    }
    return report(true, previous, `OK: log ${origin} unchanged at size ${current.size} since ${saved.seenAt} (same root).`);
  }
  const proof = await consistencyProof(server, previous.size, current.size);
  if (!proof || !verifyConsistency(previous.size, current.size, proof, previous.rootHash, current.rootHash)) {
    return report(false, previous, `${REWRITTEN}: the tree of ${previous.size} entries this machine saw (${saved.seenAt}) is not a prefix of the current tree of ${current.size} entries (no valid consistency proof)`);
  }
  remember();
  return report(true, previous, `OK: log ${origin} grew from ${previous.size} to ${current.size} entries, consistently (consistency proof verified); remembered size ${current.size} in ${file}.`);
}
