/**
 * Single-use execution across Console instances: two processes on one SQLite file verify the
 * same execution request at the same time (10 each, concurrently within each process too).
 * Exactly one verification is allowed; every other one is refused as intent_executed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { INTENT_EVENTS } from "@/lib/intents/events";
import { enroll, freshDb, NOW_MS, NOW_S, type Enrolled, type TestDb } from "../auth/helpers";
import { auditOf, intentDoc, policyDoc, publish, rule, submitSigned } from "./helpers";
import { executionRequest, forward, grantVerifier, TARGET, TRANSFER } from "./verify-helpers";
import { createContentDigest } from "@/lib/protocol/digest";

const WORKER = path.join(import.meta.dirname, "verify-worker.ts");
const PER_PROCESS = 10;

let env: TestDb;
let owner: Enrolled;
let service: Enrolled;

beforeAll(async () => {
  env = await freshDb();
  owner = await enroll(env.db, "payer");
  service = await enroll(env.db, "payments-service");
  await grantVerifier(env.db, service.machine.id);
  await publish(env.db, policyDoc("Payments", [rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"] })]), new Date(NOW_MS - 60_000));
});
afterAll(() => env.close());

function verifier(body: string, startAt: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
      env: { ...process.env, DATABASE_URL: env.config.databaseUrl, VERIFIER: service.machine.id, BODY: body, NOW_MS: String(NOW_MS), COUNT: String(PER_PROCESS), START_AT: String(startAt) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

it("two processes verifying one intent at once: exactly one allow in total", async () => {
  const doc = intentDoc({ action: "payments.transfer", resource: "accounts/42", execute: { method: "POST", targetUri: TARGET, contentDigest: createContentDigest(TRANSFER) }, nonce: "two-processes" });
  const { intent } = await submitSigned(env, owner, JSON.stringify(doc), NOW_MS);
  expect(intent.status).toBe("allowed");
  const request = await executionRequest(owner.key, intent.id, { sign: { now: () => NOW_S } });
  const body = JSON.stringify(forward(request, request.body));

  const startAt = Date.now() + 4000; // both loaded (tsx) before either verifies
  const results = await Promise.all([verifier(body, startAt), verifier(body, startAt)]);
  for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  const reasons = results.flatMap((r) => JSON.parse(r.stdout) as string[]);
  expect(reasons).toHaveLength(2 * PER_PROCESS);
  expect(reasons.filter((r) => r === "allowed")).toHaveLength(1);
  expect(reasons.filter((r) => r === "intent_executed")).toHaveLength(2 * PER_PROCESS - 1);
  expect((await auditOf(env.db, INTENT_EVENTS.executed)).filter((e) => e.evidence.intentId === intent.id)).toHaveLength(1);
  expect((await env.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("executed");
}, 120_000);
