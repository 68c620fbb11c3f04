/**
 * What request authentication depends on, injectable so tests (and a second "instance" in
 * one process) can pass their own database client, public URL and clock.
 */
import { loadConfig, type Config } from "../config/env";
import { getDb, type Db } from "../db/client";
import type { Ed25519Backend } from "../protocol/ed25519";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { MAX_BODY_BYTES } from "./limits";

export interface AuthDeps {
  db: Db;
  config: Pick<Config, "publicUrl">;
  /** Milliseconds since the epoch: the server clock. */
  now: () => number;
  /** node:crypto on the server (about 12x faster than pure JS). */
  backend: Ed25519Backend;
  maxBodyBytes: number;
}

let cached: AuthDeps | undefined;

/** The running Console's dependencies: its database, its PTERI_PUBLIC_URL, its clock. */
export function defaultDeps(): AuthDeps {
  cached ??= { db: getDb(), config: loadConfig(), now: Date.now, backend: nodeEd25519, maxBodyBytes: MAX_BODY_BYTES };
  return cached;
}
