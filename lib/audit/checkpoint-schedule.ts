/**
 * Checkpoints on a schedule: every PTERI_CHECKPOINT_INTERVAL_SECONDS (default 60) the
 * Console signs a checkpoint if the log grew. Started by `instrumentation.ts` in the Node.js
 * server; several instances may all run it, createCheckpoint's lock keeps that harmless.
 */
import { ConfigError, loadConfig, type Config, type Env } from "../config/env";
import { getDb, type Db } from "../db/client";
import { checkpointIfGrown } from "./checkpoint-store";
import { getLogIdentity } from "./log-identity";

export const DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 60;

/** Validated at start-up (prepareHost) so a bad value stops `npm start` with the fix. */
export function checkpointIntervalSeconds(env: Env = process.env): number {
  const raw = env.PTERI_CHECKPOINT_INTERVAL_SECONDS?.trim();
  if (!raw) return DEFAULT_CHECKPOINT_INTERVAL_SECONDS;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > 86_400) {
    throw new ConfigError(`PTERI_CHECKPOINT_INTERVAL_SECONDS must be a whole number of seconds from 1 to 86400 (got "${raw}").`);
  }
  return value;
}

export interface ScheduleOptions {
  db: Db;
  config: Pick<Config, "dataDir" | "publicUrl" | "databaseUrl">;
  intervalSeconds: number;
  /** Where a failed round is reported; the schedule keeps running. */
  onError?: (error: unknown) => void;
}

/** Starts the schedule; returns a function that stops it. The timer never keeps the process alive. */
export function startCheckpointSchedule(options: ScheduleOptions): () => void {
  const { db, config, intervalSeconds } = options;
  const onError = options.onError ?? ((error: unknown) => console.error(`pteri: audit checkpoint failed: ${describe(error)}`));
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return; // a slow round (a locked database) must not pile up behind itself
    running = true;
    try {
      await checkpointIfGrown(db, await getLogIdentity(db, config));
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** The server's schedule, from the environment; called once per process by instrumentation.ts. */
export function startServerCheckpointSchedule(): void {
  const marker = globalThis as unknown as { pteriCheckpointSchedule?: () => void };
  if (marker.pteriCheckpointSchedule) return; // dev reloads call register() again
  try {
    marker.pteriCheckpointSchedule = startCheckpointSchedule({ db: getDb(), config: loadConfig(), intervalSeconds: checkpointIntervalSeconds() });
  } catch (error) {
    console.error(`pteri: audit checkpoints are not scheduled: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
