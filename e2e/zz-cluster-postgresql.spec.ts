// Two Console instances on different ports sharing one PostgreSQL database (issue 10), as
// behind a load balancer: one public URL, one data directory (session secret, log key, webhook
// key), started at the same time on an empty database. Single use holds across them: a signed
// request, an intent's execution and an enrollment ticket are each accepted once in total; and
// appends from both instances at once leave one contiguous, verifiable audit log.
//
// Named to run last: it never touches the shared Playwright server or its data directory.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { startThrowawayCluster, type ThrowawayCluster } from "../scripts/postgresql/cluster";
import { postgresqlDatabaseUrl } from "../lib/db/postgresql";
import type { AuditActor } from "../lib/audit/entry";
import { entryFromRow } from "../lib/audit/rows";
import type { ExportEntryLine, ExportHeaderLine } from "../lib/audit/export-format";
import { createDb, type Db } from "../lib/db/client";
import { writeTransaction } from "../lib/db/transaction";
import type { IntentAnswer } from "../lib/intents/wire";
import { INTENT_FORMAT, INTENT_HEADER, INTENTS_PATH, type IntentDocument } from "../lib/intents/wire";
import { VERIFY_PATH, type VerifyAnswer, type VerifyBody } from "../lib/intents/verify-wire";
import { setMachinePermissions } from "../lib/machines/lifecycle";
import { registerMachine } from "../lib/machines/repository";
import { ENROLL_PATH } from "../lib/machines/wire";
import { createPolicy, publishPolicy } from "../lib/policies/store/repository";
import { createContentDigest } from "../lib/protocol/digest";
import { nodeEd25519 } from "../lib/protocol/ed25519-node";
import { generateKeyPair, type GeneratedKeyPair } from "../lib/protocol/keys";
import { clusterAdmin, sendTo, signMessage, startConsole, stopConsole, waitForHealth, type ClusterEnv, type ConsoleInstance } from "./helpers/cluster";

test.describe.configure({ mode: "serial" });

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const FIRST_PORT = Number(new URL(baseURL).port) + 20;
const HOST: AuditActor = { type: "host", id: "e2e-cluster" };
const AUDIENCE = "https://payments.cluster.example";
const TRANSFER = JSON.stringify({ amount: 5000, currency: "EUR", to: "DE89 3704 0044 0532 0130 00" });

let cluster: ThrowawayCluster | undefined;
let env: ClusterEnv;
let a: ConsoleInstance | undefined;
let b: ConsoleInstance | undefined;
let db: Db | undefined;
let whoamiKey: GeneratedKeyPair;

function instances(): [ConsoleInstance, ConsoleInstance] {
  if (!a || !b) throw new Error("the instances did not start");
  return [a, b];
}

function database(): Db {
  if (!db) throw new Error("no database client");
  return db;
}

/** A machine registered by the host (active at once): its key and id. */
async function registerKey(name: string): Promise<{ key: GeneratedKeyPair; id: string }> {
  const key = await generateKeyPair(nodeEd25519);
  const machine = await writeTransaction(database(), (tx) => registerMachine(tx, { name, publicKey: key.publicKey.jwk, tags: ["cluster"], actor: HOST }));
  return { key, id: machine.id };
}

/** The types of the audit entries of `types` whose subjects name `id` as `subject`. */
async function entriesAbout(subject: "intent" | "machine", id: string, types: string[]): Promise<string[]> {
  const rows = await database().auditEntry.findMany({ where: { type: { in: types } }, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow).flatMap((entry) => (entry.subjects[subject] === id ? [entry.type] : []));
}

async function problem(response: Response): Promise<{ status: number; type: string | null; code: unknown }> {
  return { status: response.status, type: response.headers.get("content-type"), code: ((await response.json()) as { code?: unknown }).code };
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await startThrowawayCluster();
  env = {
    databaseUrl: postgresqlDatabaseUrl(cluster.url, "pteri_cluster"), // does not exist yet: the instances create it
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-cluster-")),
    publicUrl: `http://localhost:${FIRST_PORT}`, // the load balancer's URL, the same for both
  };
  // Started together: both create the database and migrate it at the same moment.
  a = startConsole(env, FIRST_PORT);
  b = startConsole(env, FIRST_PORT + 1);
  await Promise.all([waitForHealth(a, 90_000), waitForHealth(b, 90_000)]);
  db = createDb(env.databaseUrl);
  whoamiKey = (await registerKey("cluster-whoami")).key;
});

test.afterAll(async () => {
  await Promise.all([stopConsole(a), stopConsole(b)]);
  // What each instance printed (start-up, migrations, any error it logged), for a failure's report.
  for (const [name, instance] of [["console-a", a], ["console-b", b]] as const) {
    if (instance) await test.info().attach(`${name}.log`, { body: instance.output(), contentType: "text/plain" });
  }
  await db?.$disconnect();
  cluster?.stop();
  if (env?.dataDir) fs.rmSync(env.dataDir, { recursive: true, force: true });
});

test("two instances started together migrate the new database once and share one log key", async () => {
  const [first, second] = instances();
  const migrations = fs.readdirSync(path.join(ROOT, "prisma/postgresql/migrations")).filter((name) => /^\d+_/.test(name));
  const announced = [first, second].map((i) => /applied (\d+) migration\(s\)/.exec(i.output())?.[1] ?? null);
  // The advisory lock: one instance applied every migration; the other waited and found none pending.
  expect(announced.sort()).toEqual([String(migrations.length), null]);
  const applied = await database().$queryRawUnsafe<{ migration_name: string }[]>(`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL ORDER BY 1`);
  expect(applied.map((r) => r.migration_name)).toEqual([...migrations].sort());

  const keys = await Promise.all([first, second].map(async (i) => (await fetch(`${i.url}/.well-known/pteri-log-key?format=vkey`)).text()));
  expect(keys[0]).toMatch(/^[^+\s]+\+[0-9a-f]{8}\+\S+\n$/);
  expect(keys[1]).toBe(keys[0]);
});

test("a signed request accepted by one instance is refused as replayed by the other, both ways", async () => {
  const [first, second] = instances();
  const whoami = `${env.publicUrl}/api/v1/whoami`;
  const pairs: [ConsoleInstance, ConsoleInstance][] = [
    [first, second],
    [second, first],
  ];
  for (const [accepting, replayedTo] of pairs) {
    const signed = await signMessage(whoamiKey, "GET", whoami);
    const accepted = await sendTo(accepting, signed);
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { machine: { keyId: string } }).machine.keyId).toBe(whoamiKey.publicKey.keyId);
    expect(await problem(await sendTo(replayedTo, signed))).toEqual({ status: 401, type: "application/problem+json", code: "replayed" });
  }
});

test("an allowed intent verified 20 times at once through both instances executes exactly once", async () => {
  const [first, second] = instances();
  const owner = await registerKey("cluster-payer");
  const service = await registerKey("cluster-payments-service");
  await writeTransaction(database(), (tx) => setMachinePermissions(tx, HOST, service.id, { permissions: ["intents.verify"], verifyAudiences: [AUDIENCE] }));
  const policy = await writeTransaction(database(), (tx) => createPolicy(tx, HOST, { name: "Cluster payments" }));
  const rule = { id: "transfers", effect: "allow", actions: ["payments.transfer"], resources: ["accounts/*/payouts"] };
  await writeTransaction(database(), (tx) => publishPolicy(tx, HOST, policy.id, { note: "e2e", document: { format: "pteri.policy/v1", name: "Cluster payments", targets: { all: true }, rules: [rule] } }));

  // The machine declares the transfer through one instance.
  const target = `${AUDIENCE}/payments/transfer`;
  const doc: IntentDocument = {
    format: INTENT_FORMAT,
    action: "payments.transfer",
    resource: "accounts/42/payouts",
    params: { amount: 5000, currency: "EUR" },
    audience: AUDIENCE,
    execute: { method: "POST", targetUri: target, contentDigest: createContentDigest(TRANSFER) },
    nonce: randomUUID(),
  };
  const submitted = await sendTo(first, await signMessage(owner.key, "POST", `${env.publicUrl}${INTENTS_PATH}`, { body: JSON.stringify(doc) }));
  expect(submitted.status).toBe(201);
  const intent = (await submitted.json()) as IntentAnswer;
  expect(intent.status).toBe("allowed");

  // The execution request reaches the resource service, which asks PTERI 20 times at once
  // (say, 20 replicas receiving the same replayed request), half through each instance.
  const execution = await signMessage(owner.key, "POST", target, { body: TRANSFER, headers: { [INTENT_HEADER]: intent.id }, cover: [INTENT_HEADER] });
  const forwarded: VerifyBody = { request: { method: "POST", targetUri: target, headers: execution.headers }, bodyDigest: createContentDigest(TRANSFER) };
  const calls = await Promise.all(Array.from({ length: 20 }, () => signMessage(service.key, "POST", `${env.publicUrl}${VERIFY_PATH}`, { body: JSON.stringify(forwarded) })));
  const responses = await Promise.all(calls.map((call, i) => sendTo(i % 2 ? second : first, call)));
  expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
  const answers = (await Promise.all(responses.map((r) => r.json()))) as VerifyAnswer[];
  const reasons = answers.map((answer) => `${answer.decision}:${answer.reason}`).sort();
  expect(reasons).toEqual(["allow:allowed", ...Array(19).fill("deny:intent_executed")]);

  const row = await database().intent.findUniqueOrThrow({ where: { id: intent.id } });
  expect(row.status).toBe("executed");
  const recorded = await entriesAbout("intent", intent.id, ["intent.executed", "intent.execution_refused"]);
  expect(recorded.filter((type) => type === "intent.executed")).toHaveLength(1);
  expect(recorded.filter((type) => type === "intent.execution_refused")).toHaveLength(19);
});

test("one enrollment ticket redeemed at both instances at once enrolls exactly one machine", async () => {
  const [first, second] = instances();
  const { ticket } = JSON.parse(await clusterAdmin(env, ["enrollment-ticket", "--name", "cluster-enrollee", "--no-confirm", "--json"])) as { ticket: string };
  // Six machines hold the same ticket (three behind each instance), each with its own new key.
  const keys = await Promise.all(Array.from({ length: 6 }, () => generateKeyPair(nodeEd25519)));
  const requests = await Promise.all(keys.map((key) => signMessage(key, "POST", `${env.publicUrl}${ENROLL_PATH}`, { body: JSON.stringify({ ticket, publicKey: key.publicKey.jwk }) })));
  const responses = await Promise.all(requests.map((request, i) => sendTo(i % 2 ? second : first, request)));

  const winners = responses.flatMap((response, i) => (response.status === 201 ? [keys[i]!.publicKey.keyId] : []));
  expect(winners).toHaveLength(1);
  const losers = await Promise.all(responses.filter((r) => r.status !== 201).map(problem));
  expect(losers).toEqual(Array(5).fill({ status: 400, type: "application/problem+json", code: "ticket_invalid" }));

  const enrolled = await database().machine.findMany({ where: { name: "cluster-enrollee" }, select: { id: true, keyId: true, status: true } });
  expect(enrolled).toEqual([{ id: expect.any(String), keyId: winners[0], status: "active" }]);
  expect(await entriesAbout("machine", enrolled[0]!.id, ["machine.enrolled"])).toEqual(["machine.enrolled"]);
});

test("60 signed requests at once through both instances are all recorded in one contiguous log that verifies", async () => {
  test.setTimeout(60_000);
  const [first, second] = instances();
  const whoami = `${env.publicUrl}/api/v1/whoami`;
  const signed = await Promise.all(Array.from({ length: 60 }, () => signMessage(whoamiKey, "GET", whoami)));
  const responses = await Promise.all(signed.map((request, i) => sendTo(i % 2 ? second : first, request)));
  expect(responses.map((r) => r.status)).toEqual(Array(60).fill(200));
  const seqs = ((await Promise.all(responses.map((r) => r.json()))) as { auditSeq: number }[]).map((r) => r.auditSeq);
  expect(new Set(seqs).size).toBe(60);

  // The host's export: every entry from the first to the last, in order, the burst among them.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-cluster-export-"));
  try {
    const file = path.join(dir, "audit.jsonl");
    await clusterAdmin(env, ["audit-export", "--out", file]);
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as { kind: string });
    const header = lines[0] as ExportHeaderLine;
    const entries = lines.filter((line): line is ExportEntryLine => line.kind === "entry");
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: header.to - header.from + 1 }, (_, i) => header.from + i));
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    for (const seq of seqs) expect([bySeq.get(seq)?.type, bySeq.get(seq)?.actor.id]).toEqual(["machine.request", whoamiKey.publicKey.keyId]);

    // Offline verification with the log key as either instance publishes it.
    const vkey = (await (await fetch(`${first.url}/.well-known/pteri-log-key?format=vkey`)).text()).trim();
    const verified = await run(process.execPath, [path.join(ROOT, "bin/pteri.mjs"), "audit", "verify", file, "--log-key", vkey, "--json"], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, from: header.from, to: header.to, entries: entries.length });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
