import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intentHash, type IntentStatus } from "../../intents/wire";
import { parsePrivateKey } from "../../protocol";
import { buildIntent } from "../../sdk";
import { startFakeConsole, type FakeConsole, type FakeMachine } from "../../sdk/__tests__/fake-console";
import { expectOneErrorLine, runCli, tempDir, type CliResult } from "./run";

let fake: FakeConsole;
const dir = tempDir();
const bodyFile = path.join(dir, "transfer.json");
const BODY = '{"amount":25000,"to":"acme"}';

beforeAll(async () => {
  fake = await startFakeConsole();
  writeFileSync(bodyFile, BODY);
});
afterAll(() => fake.close());

/** A key file registered with the fake Console as an active machine. */
async function enrolledKey(): Promise<{ file: string; keyId: string; machine: FakeMachine }> {
  const file = path.join(tempDir(), "machine.pem");
  await runCli(["keygen", "--out", file]);
  const parsed = parsePrivateKey(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  return { file, keyId: parsed.key.publicKey.keyId, machine: fake.addMachine(parsed.key.publicKey.jwk) };
}

const svc = () => `${fake.url}/svc`;
const target = () => `${fake.url}/svc/transfers`;
/** `intent submit` for a transfer, the status decided by the fake's policy from the resource. */
const submitArgs = (keyFile: string, resource = "accounts/acme", ...extra: string[]) => [
  "intent",
  "submit",
  "--server",
  fake.url,
  "--key",
  keyFile,
  "--action",
  "payments.transfer",
  "--resource",
  resource,
  "--params",
  '{"amount": 25000, "currency": "EUR"}',
  "--audience",
  svc(),
  "--execute",
  "POST",
  target(),
  "-d",
  `@${bodyFile}`,
  ...extra,
];

beforeAll(() => {
  fake.intentPolicy = (doc): IntentStatus => (doc.resource.startsWith("allowed/") ? "allowed" : doc.resource.startsWith("denied/") ? "denied" : "pending");
});

const until = async (condition: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** The intent the fake holds for this machine and resource (the last one). */
const intentOf = (machine: FakeMachine, resource: string) => [...fake.intents.values()].filter((i) => i.machineId === machine.id && i.doc.resource === resource).at(-1);

describe("pteri intent submit", () => {
  it("POSTs the document buildIntent makes (same hash), signed with the key, and prints the state (pending: exit 4)", async () => {
    const { file, keyId, machine } = await enrolledKey();
    const r = await runCli(submitArgs(file));
    expect(r.code).toBe(4);
    const expected = buildIntent({
      action: "payments.transfer",
      resource: "accounts/acme",
      params: { amount: 25000, currency: "EUR" },
      audience: svc(),
      execute: { method: "POST", url: target(), body: BODY },
    });
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen).toMatchObject({ method: "POST", path: "/api/v1/intents" });
    expect(seen.verified.keyId).toBe(keyId);
    expect(JSON.parse(seen.body)).toEqual(expected);
    const intent = intentOf(machine, "accounts/acme");
    if (!intent) throw new Error("no intent stored");
    expect(intent.answer.hash).toBe(intentHash(expected).hex);
    expect(r.stdout).toBe(
      [
        `Submitted intent ${intent.answer.id}.`,
        `id:        ${intent.answer.id}`,
        `hash:      ${intentHash(expected).hex}`,
        "status:    pending: waiting for approval (0 of 2 approvals)",
        "decision:  allow_with_approval (approval_required): Allowed by rule large-transfers once 2 approvers approve.",
        "rule:      large-transfers (policy pol_payments version 3)",
        `expires:   ${intent.answer.expiresAt} (decide by)`,
        "",
      ].join("\n"),
    );
    expect(r.stderr).toBe(`Wait for the decision: pteri intent status --server ${fake.url} --key ${file} --wait ${intent.answer.id}\n`);
  });

  it("an identical resubmission is the same intent: says so, --json has created: false", async () => {
    const { file } = await enrolledKey();
    const first = await runCli([...submitArgs(file), "--json"]);
    const again = await runCli([...submitArgs(file), "--json"]);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(again.stdout);
    expect(a.created).toBe(true);
    expect(b).toEqual({ ...a, created: false });
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["id", "hash", "status", "decision", "expiresAt", "createdAt", "created"]));
    const text = await runCli(submitArgs(file));
    expect(text.stdout).toMatch(new RegExp(`^Intent ${a.id} was already submitted \\(the same document\\); nothing new was created\\.\\n`));
    const other = JSON.parse((await runCli([...submitArgs(file), "--nonce", "2", "--json"])).stdout);
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(a.id);
  });

  it("exit status per decision: allowed 0 (with the command to execute it), denied 3", async () => {
    const { file } = await enrolledKey();
    const allowed = await runCli(submitArgs(file, "allowed/acme"));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("status:    allowed: may be executed\n");
    expect(allowed.stdout).toContain("rule:      small-transfers (policy pol_payments version 3)\n");
    const id = /^id: +(\S+)$/m.exec(allowed.stdout)?.[1];
    expect(allowed.stderr).toBe(`Execute it: pteri request --key ${file} --intent ${id} -X POST -d @${bodyFile} ${target()}\n`);
    const denied = await runCli(submitArgs(file, "denied/acme"));
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain("status:    denied: refused by policy\n");
    expect(denied.stdout).toContain("decision:  deny (denied_by_rule): Denied by rule no-prod-deletes.\n");
    expect(denied.stdout).toContain("expires:   never\n");
    expect(denied.stderr).toBe("");
  });

  it("--wait waits through 503s, a dropped connection and a server restart, then exits 0 when approved", async () => {
    const { file, machine } = await enrolledKey();
    fake.outage.push("503", "drop", "503");
    const child = spawnCli([...submitArgs(file, "accounts/wait"), "--wait"]);
    const polls = () => fake.requests.filter((r) => r.path.includes("?wait=") && intentOf(machine, "accounts/wait")?.answer.id === r.path.split("/").at(-1)?.split("?")[0]).length;
    // Three failed polls, then one held by the server, answered (still pending) when something changes.
    await until(() => polls() === 4 && child.stderr().includes("Lost contact"));
    const intent = intentOf(machine, "accounts/wait");
    if (!intent) throw new Error("no intent stored");
    fake.decide(intent.answer.id, "pending");
    // The next poll is held when the server restarts, cutting it.
    await until(() => polls() === 5);
    await fake.restart(500);
    await until(() => polls() > 5);
    fake.decide(intent.answer.id, "approved");
    const r = await child.done;
    expect(r.code).toBe(0);
    const stderr = r.stderr.split("\n");
    expect(stderr[0]).toBe(`Waiting for a decision on intent ${intent.answer.id} (until ${intent.answer.expiresAt}, 0 of 2 approvals)...`);
    expect(stderr[1]).toMatch(new RegExp(`^Lost contact with ${fake.url} \\(HTTP 503\\); retrying\\.\\.\\.$`));
    // Once for the 503/drop/503 run and usually once for the restart (a poll the restart did not
    // catch in flight just reconnects): every loss is followed by exactly one reconnection.
    const lost = r.stderr.match(/^Lost contact with /gm)?.length ?? 0;
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(r.stderr.match(new RegExp(`^Reconnected to ${fake.url}\\.$`, "gm"))).toHaveLength(lost);
    expect(r.stderr).toContain(`Execute it: pteri request --key ${file} --intent ${intent.answer.id} -X POST`);
    // The first block (pending) and, after a blank line, the final one.
    expect(r.stdout).toContain("status:    pending: waiting for approval (0 of 2 approvals)\n");
    expect(r.stdout).toContain("\n\nid:        ");
    expect(r.stdout).toMatch(/status: {4}approved: may be executed \(2 of 2 approvals\)\n/);
  });

  it("--wait SECONDS gives up while pending (exit 4); --json prints only the final state", async () => {
    const { file } = await enrolledKey();
    const r = await runCli([...submitArgs(file, "accounts/slow"), "--wait", "1", "--json"]);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "pending", created: true });
    expect(r.stderr).toMatch(/^Waiting for a decision on intent int_\d+ \(up to 1 s, 0 of 2 approvals\)\.\.\.\nThe intent is still pending after 1 s \(exit 4\)\.\n$/);
  });

  it("bad --params (not JSON, not an object) and invalid intents are usage errors; nothing is sent", async () => {
    const { file } = await enrolledKey();
    const paramsFile = path.join(dir, "params.json");
    writeFileSync(paramsFile, "[1, 2]");
    const before = fake.requests.length;
    const withParams = (params: string) => submitArgs(file).map((a, i, all) => (all[i - 1] === "--params" ? params : a));
    const cases: [string[], RegExp, string?][] = [
      [withParams("{amount: 1}"), /^pteri: --params is not JSON \(.+\); see: pteri intent submit --help$/],
      [withParams("[1]"), /^pteri: --params must be a JSON object, like \{"amount": 100\}, not an array; see/],
      [withParams("42"), /not a number; see/],
      [withParams('"x"'), /not a string; see/],
      [withParams("null"), /not null; see/],
      [withParams(`@${paramsFile}`), new RegExp(`^pteri: --params @${paramsFile} must be a JSON object`)],
      [withParams("@-"), /^pteri: --params @- \(standard input\) is not JSON/, "nope"],
      [withParams('{"amount": 1e400}'), /^pteri: The intent is not valid: params\.amount is Infinity, not a finite number; see/],
      [withParams('{"__proto__": {}}'), /^pteri: The intent is not valid: params: "__proto__" is not allowed as a member name; see/],
      [submitArgs(file).map((a) => (a === "payments.transfer" ? "Payments" : a)), /^pteri: The intent is not valid: action: /],
      [submitArgs(file).map((a) => (a === svc() ? "https://elsewhere.example" : a)), /execute\.targetUri: the request to execute must go to the audience/],
      [submitArgs(file).filter((a) => a !== target()), /^pteri: --execute takes a method and a URL/],
      [[...submitArgs(file), "--wait", "soon"], /^pteri: unexpected argument "soon"/],
      [[...withParams("@-"), "-d", "@-"], /^pteri: --params and -d cannot both read standard input/],
    ];
    const results = await Promise.all(cases.map(([args, , input]) => runCli(args, input === undefined ? {} : { input })));
    results.forEach((r, i) => {
      const [args, message] = cases[i] ?? [[], /^$/];
      expect(r.code, args.join(" ")).toBe(2);
      expect(expectOneErrorLine(r)).toMatch(message);
    });
    expect(fake.requests.length).toBe(before);
    const fromStdin = await runCli([...withParams("@-"), "--json"], { input: '{"amount": 25000, "currency": "EUR"}' });
    expect(fromStdin.code).toBe(4);
  });

  it("a refusal or an unreachable Console is one line, exit 1", async () => {
    const stranger = path.join(dir, "stranger.pem");
    await runCli(["keygen", "--out", stranger]);
    const refused = await runCli(submitArgs(stranger));
    expect(refused.code).toBe(1);
    expect(expectOneErrorLine(refused)).toBe("pteri: intent submission refused (key_unknown): No active key is registered under this keyid; enroll the machine or use its current key.");
    const { file } = await enrolledKey();
    const down = await runCli(submitArgs(file).map((a) => (a === fake.url ? "http://127.0.0.1:9" : a)));
    expect(down.code).toBe(1);
    expect(expectOneErrorLine(down)).toMatch(/^pteri: cannot reach http:\/\/127\.0\.0\.1:9: /);
  });
});

describe("pteri intent status", () => {
  it("prints the state with the exit status of each status; --json is the answer", async () => {
    const { file, machine } = await enrolledKey();
    await runCli(submitArgs(file, "accounts/status"));
    const intent = intentOf(machine, "accounts/status");
    if (!intent) throw new Error("no intent stored");
    const status = (...extra: string[]) => runCli(["intent", "status", "--server", fake.url, "--key", file, ...extra, intent.answer.id]);
    const pending = await status();
    expect(pending.code).toBe(4);
    expect(pending.stdout).toMatch(/^id: {8}int_\d+\nhash: {6}[0-9a-f]{64}\nstatus: {4}pending/);
    expect(fake.requests.at(-1)?.path).toBe(`/api/v1/intents/${intent.answer.id}`);
    const expected: [IntentStatus, number][] = [
      ["approved", 0],
      ["allowed", 0],
      ["rejected", 3],
      ["expired", 3],
      ["denied", 3],
      ["executed", 5],
    ];
    for (const [s, code] of expected) {
      fake.decide(intent.answer.id, s);
      const r = await status("--json");
      expect(r.code, s).toBe(code);
      expect(JSON.parse(r.stdout)).toEqual(fake.intents.get(intent.answer.id)?.answer);
    }
  });

  it("--wait returns when decided (rejected: exit 3); --wait SECONDS before the id", async () => {
    const { file, machine } = await enrolledKey();
    await runCli(submitArgs(file, "accounts/reject"));
    const intent = intentOf(machine, "accounts/reject");
    if (!intent) throw new Error("no intent stored");
    const child = spawnCli(["intent", "status", "--server", fake.url, "--key", file, "--wait", "30", intent.answer.id]);
    await until(() => child.stderr().includes("Waiting for a decision"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    fake.decide(intent.answer.id, "rejected");
    const r = await child.done;
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("status:    rejected: rejected by an approver\n");
    expect(r.stderr).toBe(`Waiting for a decision on intent ${intent.answer.id} (up to 30 s, 0 of 2 approvals)...\n`);
  });

  it("another machine's or an unknown intent is not_found (exit 1); a missing id is a usage error", async () => {
    const { file } = await enrolledKey();
    const r = await runCli(["intent", "status", "--server", fake.url, "--key", file, "int_999999"]);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe("pteri: intent status refused (not_found): No intent with this id belongs to this machine.");
    const missing = await runCli(["intent", "status", "--server", fake.url, "--key", file, "--wait"]);
    expect(missing.code).toBe(2);
    expect(expectOneErrorLine(missing)).toMatch(/^pteri: missing ID/);
  });
});

describe("pteri request --intent", () => {
  it("sends the pteri-intent header, covered by the signature; the service executes the committed request once", async () => {
    const { file, keyId } = await enrolledKey();
    const submitted = JSON.parse((await runCli([...submitArgs(file, "allowed/exec"), "--json"])).stdout);
    expect(submitted.status).toBe("allowed");
    const execute = (...args: string[]) => runCli(["request", "--key", file, "--intent", submitted.id, ...args]);
    const r = await execute("-d", `@${bodyFile}`, target());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ executed: submitted.id });
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen.headers["pteri-intent"]).toBe(submitted.id);
    expect(seen.verified.keyId).toBe(keyId);
    expect(seen.verified.components).toEqual(["@method", "@target-uri", "content-digest", "content-type", "pteri-intent"]);
    expect(seen.verified.signatureBase).toContain(`\n"pteri-intent": ${submitted.id}\n`);

    const again = await execute("-d", `@${bodyFile}`, target());
    expect(again.code).toBe(22);
    expect(expectOneErrorLine(again)).toBe("pteri: HTTP 403 intent_not_executable: The intent is executed.");
  });

  it("a request other than the committed one is refused by the service; -H pteri-intent with --intent is a usage error", async () => {
    const { file } = await enrolledKey();
    const submitted = JSON.parse((await runCli([...submitArgs(file, "allowed/other"), "--json"])).stdout);
    const changed = await runCli(["request", "--key", file, "--intent", submitted.id, "-d", '{"amount":99999}', target()]);
    expect(expectOneErrorLine(changed)).toBe("pteri: HTTP 403 intent_mismatch: The request is not the one the intent committed to.");
    const before = fake.requests.length;
    for (const args of [
      ["--intent", submitted.id, "-H", `pteri-intent: ${submitted.id}`],
      ["--intent", "has space"],
      ["--intent", ""],
    ]) {
      const r = await runCli(["request", "--key", file, ...args, target()]);
      expect(r.code, args.join(" ")).toBe(2);
      expectOneErrorLine(r);
    }
    expect(fake.requests.length).toBe(before);
  });
});

/** The CLI as a child process whose stderr can be watched while it runs. */
function spawnCli(args: string[]): { stderr: () => string; done: Promise<CliResult> } {
  const BIN = path.resolve(import.meta.dirname, "../../../bin/pteri.mjs");
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, PTERI_DEBUG: "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return { stderr: () => stderr, done };
}
