import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { enroll, freshDb, NOW_MS, signedRequest, testDeps, type TestDb } from "./helpers";

const run = promisify(execFile);
const FIXTURE = path.join(import.meta.dirname, "fixtures", "authenticate-once.ts");

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

describe("simultaneous copies of one signed request", () => {
  it("lets exactly one through within one instance", async () => {
    const { key } = await enroll(t.db, "raced-in-process");
    const signed = await signedRequest(key);
    const deps = testDeps(t.db, t.config);
    const results = await Promise.all([1, 2, 3].map(() => authenticateMachineRequest(signed.make(), deps)));
    expect(results.map((r) => (r.ok ? "ok" : r.code)).sort()).toEqual(["ok", "replayed", "replayed"]);
  });

  // Separate processes, as separate Console instances are: the database alone decides.
  it("lets exactly one through across three server processes sharing the database", async () => {
    const { key } = await enroll(t.db, "raced-across-processes");
    const signed = await signedRequest(key);
    const request = signed.make();
    const input = {
      databaseUrl: t.config.databaseUrl,
      publicUrl: t.config.publicUrl.href,
      nowMs: NOW_MS,
      startAt: Date.now() + 4000,
      request: { url: request.url, method: request.method, headers: Object.fromEntries(request.headers) },
    };
    const outputs = await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ["--import", "tsx", FIXTURE, JSON.stringify(input)], { cwd: process.cwd(), timeout: 60_000 })),
    );
    const verdicts = outputs.map((o) => JSON.parse(o.stdout.trim().split("\n").at(-1) ?? "{}") as { ok: boolean; code: string | null });
    expect(verdicts.map((v) => (v.ok ? "ok" : v.code)).sort()).toEqual(["ok", "replayed", "replayed"]);
    expect(await t.db.auditEntry.count({ where: { type: "machine.request", actorId: key.publicKey.keyId } })).toBe(1);
  }, 60_000);
});
