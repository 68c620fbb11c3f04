/**
 * The log's public face at well-known URLs (RFC 8615), for verifiers and witnesses that
 * should not need an account: GET /.well-known/pteri-log-key and /.well-known/pteri-checkpoint.
 * Both are public by design (a public key and a signed statement), so any origin may read them.
 */
import { loadConfig, type Config } from "../config/env";
import { getDb, type Db } from "../db/client";
import { problemResponse } from "../http/problem";
import { currentCheckpoint } from "./checkpoint-store";
import { getLogIdentity, type LogIdentity } from "./log-identity";

export interface WellKnownDeps {
  db: Db;
  config: Pick<Config, "dataDir" | "publicUrl" | "databaseUrl">;
}

const PUBLIC = { "access-control-allow-origin": "*" };

function unavailable(error: unknown): Response {
  // The reason (a file path, a locked database) is for the operator's log, not for the internet.
  console.error(`pteri: audit log unavailable: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  return problemResponse({
    code: "audit_log_unavailable",
    status: 503,
    title: "Audit log unavailable",
    detail: "The server cannot read its audit log key or checkpoints right now; try again later.",
  });
}

function defaults(): WellKnownDeps {
  return { db: getDb(), config: loadConfig() };
}

/** JSON {origin, vkey, publicJwk, keyId}; `?format=vkey` answers the vkey line as text/plain. */
export async function logKeyResponse(url: URL, deps: WellKnownDeps = defaults()): Promise<Response> {
  const format = url.searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "vkey") {
    return problemResponse({ code: "format_unsupported", status: 400, title: "Unsupported format", detail: 'Use ?format=json (the default) or ?format=vkey.' });
  }
  let identity: LogIdentity;
  try {
    identity = await getLogIdentity(deps.db, deps.config);
  } catch (error) {
    return unavailable(error);
  }
  // The key changes only if an operator replaces the key file; a short cache is safe.
  const headers = { ...PUBLIC, "cache-control": "public, max-age=300" };
  if (format === "vkey") return new Response(`${identity.vkey}\n`, { headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
  const { origin, vkey, publicJwk, keyId } = identity;
  return Response.json({ origin, vkey, publicJwk, keyId }, { headers });
}

/** The latest signed checkpoint note (signing the first one if there is none yet). */
export async function checkpointResponse(deps: WellKnownDeps = defaults()): Promise<Response> {
  let note: string;
  try {
    note = (await currentCheckpoint(deps.db, await getLogIdentity(deps.db, deps.config))).note;
  } catch (error) {
    return unavailable(error);
  }
  return new Response(note, { headers: { ...PUBLIC, "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" } });
}

/** For the other public audit endpoints (well-known-consistency.ts). */
export { unavailable as wellKnownUnavailable, defaults as wellKnownDefaults };
