/**
 * The example resource service (examples/resource-service/server.ts), started as a child
 * process exactly as its README says, against the Console's real routes (served over HTTP by
 * tests/intents/console-server.ts). The machine submits with the SDK and executes with the
 * real CLI (`pteri request --intent`): the service executes once and refuses the replay and a
 * changed body.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildIntent, submitIntent } from "@/lib/sdk/node";
import { INTENT_EVENTS } from "@/lib/intents/events";
import { runCli, tempDir } from "@/lib/cli/__tests__/run";
import { enroll, type Enrolled } from "../auth/helpers";
import { freePort, startConsoleServer, type ConsoleServer } from "./console-server";
import { auditOf, policyDoc, publish, rule } from "./helpers";
import { grantVerifier, TRANSFER } from "./verify-helpers";

const SERVER = path.resolve(import.meta.dirname, "../../examples/resource-service/server.ts");

let pteri: ConsoleServer;
let owner: Enrolled;
let service: Enrolled;
let serviceUrl: string;
let child: ChildProcess;
let stdout = "";
let dir: string;

beforeAll(async () => {
  pteri = await startConsoleServer();
  owner = await enroll(pteri.host.db, "payer");
  service = await enroll(pteri.host.db, "example-payments");
  const port = await freePort();
  serviceUrl = `http://127.0.0.1:${port}`;
  await grantVerifier(pteri.host.db, service.machine.id, [serviceUrl]);
  await publish(pteri.host.db, policyDoc("Payments", [rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"] })]));
  dir = tempDir();
  writeFileSync(path.join(dir, "service.pem"), service.key.privatePem, { mode: 0o600 });
  writeFileSync(path.join(dir, "machine.pem"), owner.key.privatePem, { mode: 0o600 });
  child = spawn(process.execPath, ["--import", "tsx", SERVER, "--server", pteri.url, "--key", path.join(dir, "service.pem"), "--port", String(port), "--public-url", serviceUrl], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the example service exited with ${code}`)));
  });
}, 60_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  await pteri?.close();
});

const executions = () => stdout.split("\n").filter((line) => line.startsWith("executed intent "));

it("executes an allowed intent once with the real CLI's request, and refuses the replay and a changed body", async () => {
  const intent = buildIntent({ action: "payments.transfer", resource: "accounts/42/payouts", params: { amount: 5000 }, audience: serviceUrl, execute: { method: "POST", url: `${serviceUrl}/payments/transfer`, body: TRANSFER } });
  const { intent: answer } = await submitIntent({ server: pteri.url, key: owner.key.seed, intent });
  expect(answer.status).toBe("allowed");
  writeFileSync(path.join(dir, "transfer.json"), TRANSFER);
  const execute = (data: string) => runCli(["request", "--key", path.join(dir, "machine.pem"), "--intent", answer.id, "-d", data, `${serviceUrl}/payments/transfer`]);

  const first = await execute(`@${path.join(dir, "transfer.json")}`);
  expect(first.code).toBe(0);
  const receipt = JSON.parse(first.stdout) as { status: string; intent: { id: string; hash: string }; order: unknown };
  expect(receipt).toMatchObject({ status: "executed", intent: { id: answer.id, hash: answer.hash }, order: JSON.parse(TRANSFER) });
  expect(executions()).toEqual([expect.stringContaining(`executed intent ${answer.id} `)]);

  const replay = await execute(`@${path.join(dir, "transfer.json")}`);
  expect(replay.code).not.toBe(0);
  expect(JSON.parse(replay.stdout)).toMatchObject({ status: 403, code: "intent_executed" });

  const changed = await execute(TRANSFER.replace("5000", "9000"));
  expect(JSON.parse(changed.stdout)).toMatchObject({ status: 403, code: "request_mismatch", mismatch: "digest" });

  expect(executions()).toHaveLength(1);
  expect((await auditOf(pteri.host.db, INTENT_EVENTS.executed)).filter((e) => e.evidence.intentId === answer.id)).toHaveLength(1);
  expect((await pteri.host.db.intent.findUniqueOrThrow({ where: { id: answer.id } })).executedBy).toBe(service.machine.id);
}, 60_000);
