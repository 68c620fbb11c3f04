// The whole loop, as the README walks through it: a machine declares a high-risk payment with
// the real CLI, two approvers approve it in the browser with their passkeys, the machine sends
// the request to the example resource service (examples/resource-service), which asks PTERI
// (POST /api/v1/verify) and executes it once. The same request again, and requests with a
// changed body, method or target, are refused; so are a rejected intent and one whose execution
// window ran out. Named to run after signed-approvals.spec, whose first test needs an empty queue.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { approverPage, APPROVERS, decide, ensureApprovers, enrollMachine, publishPolicy } from "./helpers/approvals";
import { admin } from "./helpers/host";
import { EDITOR_STATE, ensureMachineOperators, pteri, type CliResult } from "./helpers/machines";
import { failOnPageErrors } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });
failOnPageErrors();

const ROOT = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-execution-"));
const agentKey = path.join(dir, "payments-agent.pem");
const serviceKey = path.join(dir, "payments-service.pem");
const transfer = path.join(dir, "transfer.json");
const TRANSFER = '{"amount":5000,"currency":"EUR","to":"DE89 3704 0044 0532 0130 00"}';

let audience = "";
let service: ChildProcess | undefined;
let serviceLog = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** The resource service machine: enrolled with intents.verify, then granted its audience on its machine page. */
async function enrollService(page: Page): Promise<void> {
  const { ticket } = JSON.parse(admin(["enrollment-ticket", "--name", "payments-service", "--permission", "intents.verify", "--no-confirm", "--json"])) as { ticket: string };
  const enrolled = await pteri(["enroll", "--server", baseURL, "--ticket", ticket, "--out", serviceKey, "--json"]);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const { machineId } = JSON.parse(enrolled.stdout) as { machineId: string };
  await page.goto(`/machines/${machineId}`);
  const permissions = page.getByRole("region", { name: "Machine permissions" });
  await expect(permissions.getByRole("checkbox", { name: /intents\.verify/ })).toBeChecked();
  await permissions.getByLabel("Audiences it verifies intents for").fill(audience);
  await permissions.getByRole("button", { name: "Save permissions" }).click();
  await expect(page.getByText("Permissions of payments-service saved.")).toBeVisible();
}

function startService(port: number): Promise<void> {
  const args = ["--import", "tsx", "examples/resource-service/server.ts", "--server", baseURL, "--key", serviceKey, "--port", String(port), "--public-url", audience];
  service = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      serviceLog += chunk.toString();
      if (serviceLog.includes("listening on")) resolve();
    };
    service!.stdout!.on("data", onData);
    service!.stderr!.on("data", onData);
    service!.on("exit", (code) => reject(new Error(`the example service exited (${code}): ${serviceLog}`)));
  });
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  await ensureMachineOperators(browser);
  await ensureApprovers(browser);
  fs.writeFileSync(agentKey, await enrollMachine({ name: "payments-agent", tags: ["e2e-payments"] }), { mode: 0o600 });
  fs.writeFileSync(transfer, TRANSFER);
  const port = await freePort();
  audience = `http://127.0.0.1:${port}`;

  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await enrollService(page);
  await publishPolicy(page, {
    name: "E2E payments",
    targets: { tagSelectors: [["e2e-payments"]] },
    rules: [
      { id: "transfers", effect: "allow", actions: ["payments.transfer"], resources: ["accounts/*/payouts"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 900 } },
      { id: "refunds", effect: "allow", actions: ["payments.refund"], resources: ["accounts/*/refunds"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 900, executionWindowSeconds: 3 } },
    ],
  });
  await context.close();
  await startService(port);
});

test.afterAll(() => {
  service?.kill();
});

/** `pteri intent submit` for a payment to the example service; the parsed answer. */
async function submitPayment(action: string, resource: string, params: object): Promise<{ id: string; status: string }> {
  const url = `${audience}/payments/transfer`;
  const args = ["intent", "submit", "--server", baseURL, "--key", agentKey, "--action", action, "--resource", resource, "--params", JSON.stringify(params), "--audience", audience, "--execute", "POST", url, "-d", `@${transfer}`, "--json"];
  const result = await pteri(args);
  expect(result.code, result.stderr).toBe(4); // pending
  return JSON.parse(result.stdout) as { id: string; status: string };
}

/** `pteri request` to the example service with the intent's header. */
function execute(id: string, options: { method?: string; body?: string; query?: string } = {}): Promise<CliResult> {
  const args = ["request", "--key", agentKey, "--intent", id, "-X", options.method ?? "POST", "-d", options.body ?? `@${transfer}`, `${audience}/payments/transfer${options.query ?? ""}`];
  return pteri(args);
}

/** An approver opens the queue in their own browser and decides on the intent's card. */
async function decideInBrowser(browser: Browser, who: string, card: string, decision: "Approve" | "Reject", reason: string, outcome: RegExp): Promise<void> {
  const session = await approverPage(browser, who);
  const item = session.page.getByRole("article", { name: card });
  const dialog = await decide(session.page, item, decision, reason);
  await expect(dialog).toBeHidden();
  await expect(session.page.getByRole("status").filter({ hasText: outcome })).toBeVisible();
  expect(session.errors()).toEqual([]);
  await session.close();
}

test("a payment approved by two operators in the browser executes exactly once; a replay and a changed body, method or target are refused", async ({ browser }) => {
  test.setTimeout(240_000);
  const intent = await submitPayment("payments.transfer", "accounts/42/payouts", { amount: 5000, currency: "EUR" });
  expect(intent.status).toBe("pending");
  // The machine waits for the decision while the operators decide (a long poll, not busy polling).
  const waited = pteri(["intent", "status", "--server", baseURL, "--key", agentKey, "--wait", "180", "--json", intent.id]);

  // Not executable before it is approved.
  const early = await execute(intent.id);
  expect(early.code).toBe(22);
  expect(early.stderr).toContain("intent_not_approved");

  const card = "payments.transfer on accounts/42/payouts";
  await decideInBrowser(browser, APPROVERS.a.who, card, "Approve", "Invoice 2026-118 checked.", /more approvals are needed/);
  await decideInBrowser(browser, APPROVERS.b.who, card, "Approve", "Second pair of eyes: fine.", /All required approvals are in/);
  const decided = await waited;
  expect(decided.code, decided.stderr).toBe(0);
  expect(JSON.parse(decided.stdout)).toMatchObject({ id: intent.id, status: "approved", approvals: { required: 2, received: 2 } });

  // Anything but the exact request the intent committed to is refused, and does not use it up.
  for (const altered of [{ body: '{"amount":900000,"currency":"EUR","to":"DE89 3704 0044 0532 0130 00"}' }, { method: "PUT" }, { query: "?amount=900000" }]) {
    const refused = await execute(intent.id, altered);
    expect(refused.code, JSON.stringify(altered)).toBe(22);
    expect(refused.stderr, JSON.stringify(altered)).toContain("request_mismatch");
  }

  const executed = await execute(intent.id);
  expect(executed.code, executed.stderr).toBe(0);
  expect(JSON.parse(executed.stdout)).toMatchObject({ status: "executed", intent: { id: intent.id, action: "payments.transfer" }, order: JSON.parse(TRANSFER) });

  const replayed = await execute(intent.id);
  expect(replayed.code).toBe(22);
  expect(replayed.stderr).toContain("intent_executed");
  expect(serviceLog.match(new RegExp(`executed intent ${intent.id}`, "g"))).toHaveLength(1);

  const status = await pteri(["intent", "status", "--server", baseURL, "--key", agentKey, "--json", intent.id]);
  expect(status.code).toBe(5); // executed
});

test("a rejected intent cannot execute, nor an approved one whose execution window has passed", async ({ browser }) => {
  test.setTimeout(240_000);
  const card = "payments.refund on accounts/42/refunds";
  const rejected = await submitPayment("payments.refund", "accounts/42/refunds", { amount: 10 });
  await decideInBrowser(browser, APPROVERS.a.who, card, "Reject", "Not a known customer.", /You rejected/);
  const refusedRejected = await execute(rejected.id);
  expect(refusedRejected.code).toBe(22);
  expect(refusedRejected.stderr).toContain("intent_not_approved");

  // The refund rule lets an approved refund execute for 3 seconds after the last approval.
  const late = await submitPayment("payments.refund", "accounts/42/refunds", { amount: 20 });
  await decideInBrowser(browser, APPROVERS.b.who, card, "Approve", "Refund agreed.", /All required approvals are in/);
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  const refusedLate = await execute(late.id);
  expect(refusedLate.code).toBe(22);
  expect(refusedLate.stderr).toContain("intent_expired");
  expect(serviceLog).not.toContain(`executed intent ${rejected.id}`);
  expect(serviceLog).not.toContain(`executed intent ${late.id}`);
});
