// An audit entry's page: the chain of custody of a payout (signed submission, the policy version
// and rule that decided, an approval signed with a passkey in the browser, the execution checked
// by a resource service), then "Verify in this browser": every check passes; after an entry is
// changed directly in the database, the hash check fails visibly. Named to run after the specs
// that expect empty lists (machines, policies) and after signed-requests. Its action (custody.payout)
// is one no other spec's policy covers, so exactly one rule decides it whatever ran before.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { createSignedFetch, INTENT_HEADER, verifyExecution } from "../lib/sdk/node";
import { defaultComponents } from "../lib/protocol/httpsig/sign";
import { approverPage, APPROVERS, decide, ensureApprovers, enrollMachine, publishPolicy, submit } from "./helpers/approvals";
import { admin } from "./helpers/host";
import { EDITOR_STATE, ensureMachineOperators, pteri } from "./helpers/machines";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });
failOnPageErrors();

const dataDir = process.env.PTERI_E2E_DATA_DIR as string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-trail-"));
const screenshots = screenshotter(dir);
const AUDIENCE = "https://custody-payouts.example";
const BODY = '{"amount":120,"currency":"EUR"}';
const MEMO = '<img src=x onerror=alert("memo")><script>alert(1)</script>';

let agentKey = "";
let serviceKey = "";
let intentId = "";
let executionSeq = 0;

/** The resource service: enrolled with intents.verify, granted the audience through the Console's API. */
async function enrollService(page: Page): Promise<void> {
  const { ticket } = JSON.parse(admin(["enrollment-ticket", "--name", "custody-service", "--permission", "intents.verify", "--no-confirm", "--json"])) as { ticket: string };
  const keyFile = path.join(dir, "custody-service.pem");
  const enrolled = await pteri(["enroll", "--server", baseURL, "--ticket", ticket, "--out", keyFile, "--json"]);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const { machineId } = JSON.parse(enrolled.stdout) as { machineId: string };
  const granted = await page.request.put(`/api/machines/${machineId}/permissions`, { headers: { origin: baseURL }, data: { permissions: ["intents.verify"], verifyAudiences: [AUDIENCE] } });
  expect(granted.status(), await granted.text()).toBe(200);
  serviceKey = fs.readFileSync(keyFile, "utf8");
}

/** The machine signs the execution request (pteri-intent covered); the service forwards it to PTERI. */
async function execute(id: string): Promise<number> {
  let sent: Request | undefined;
  const signedFetch = createSignedFetch({
    key: agentKey,
    components: ({ hasBody }) => [...defaultComponents(hasBody), INTENT_HEADER],
    fetch: async (input) => {
      sent = input as Request;
      return new Response(null, { status: 204 });
    },
  });
  await signedFetch(`${AUDIENCE}/payouts`, { method: "POST", headers: { "content-type": "application/json", [INTENT_HEADER]: id }, body: BODY });
  const answer = await verifyExecution({ server: baseURL, key: serviceKey, method: "POST", url: `${AUDIENCE}/payouts`, headers: sent!.headers, body: BODY });
  expect(answer.decision, answer.message).toBe("allow");
  return answer.auditSeq;
}

function withDatabase<T>(run: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, "pteri.db"), { timeout: 10_000 });
  try {
    return run(db);
  } finally {
    db.close();
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  await ensureMachineOperators(browser);
  await ensureApprovers(browser);
  agentKey = await enrollMachine({ name: "custody-agent", tags: ["e2e-custody"] });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await enrollService(page);
  await publishPolicy(page, {
    name: "E2E custody",
    targets: { tagSelectors: [["e2e-custody"]] },
    rules: [{ id: "payouts-one-approver", effect: "allow", actions: ["custody.payout"], resources: ["accounts/*/payouts"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 900 } }],
  });
  await context.close();

  const intent = await submit(agentKey, { action: "custody.payout", resource: "accounts/7/payouts", params: { amount: 120, memo: MEMO }, audience: AUDIENCE, path: "/payouts", body: BODY });
  expect(intent.status).toBe("pending");
  intentId = intent.id;
  const approver = await approverPage(browser, APPROVERS.a.who);
  const dialog = await decide(approver.page, approver.page.getByRole("article", { name: "custody.payout on accounts/7/payouts" }), "Approve", "Payout <b>checked</b> against invoice 7.");
  await expect(dialog).toBeHidden();
  expect(approver.errors()).toEqual([]);
  await approver.close();
  executionSeq = await execute(intentId);
});

async function verifyInBrowser(page: Page): Promise<void> {
  const panel = page.getByRole("region", { name: "Verify in this browser" });
  await expect(panel.getByTestId("log-vkey")).toContainText("/audit+");
  await panel.getByRole("button", { name: "Verify in this browser" }).click();
}

test("the execution's entry shows the whole chain of custody, and every check passes in the browser", async ({ page }) => {
  page.on("dialog", (d) => {
    throw new Error(`machine-supplied markup ran: ${d.message()}`);
  });
  await page.goto(`/audit/${executionSeq}`);
  await expect(page.getByRole("heading", { level: 1, name: `Audit entry ${executionSeq}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "← Audit" })).toHaveAttribute("href", "/audit");

  const timeline = page.getByRole("list", { name: "Chain of custody" });
  const steps = timeline.getByRole("listitem");
  await expect(steps).toHaveCount(7);
  await expect(steps.nth(0)).toContainText("Policy version 1 published");
  await expect(steps.nth(0).getByRole("link", { name: "E2E custody" })).toHaveAttribute("href", /^\/policies\/c/);
  await expect(steps.nth(0)).toContainText("rule payouts-one-approver");
  await expect(steps.nth(1)).toContainText("Signed request: POST /api/v1/intents");
  await expect(steps.nth(1).getByRole("link", { name: "custody-agent" })).toHaveAttribute("href", /^\/machines\//);
  await expect(steps.nth(2)).toContainText("Intent submitted: pending");
  await expect(steps.nth(3)).toContainText(`Approved by ${APPROVERS.a.name} with a passkey`);
  // Machine-supplied and operator-supplied text is shown as text, never as markup.
  await expect(steps.nth(3)).toContainText("“Payout <b>checked</b> against invoice 7.”");
  // An editor may not read /operators: the approver's name is not a link there.
  await expect(steps.nth(3).getByRole("link", { name: APPROVERS.a.name })).toHaveCount(0);
  await expect(steps.nth(4)).toContainText("Intent approved: approvals complete");
  await expect(steps.nth(5)).toContainText("Execution check requested: POST /api/v1/verify");
  await expect(steps.nth(6)).toContainText("Executed (once)");
  await expect(steps.nth(6).getByRole("link", { name: "custody-service" })).toBeVisible();
  await expect(timeline.locator("[aria-current=step]")).toContainText(`entry ${executionSeq} (this entry)`);

  // The submission's entry holds the machine's memo, literally.
  await steps.nth(2).getByRole("link", { name: /^entry \d+$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Audit entry \d+$/ })).not.toHaveText(`Audit entry ${executionSeq}`);
  await expect(page.getByTestId("entry-evidence")).toContainText(JSON.stringify(MEMO).slice(1, -1));
  await expect(page.locator("img[src=x]")).toHaveCount(0);

  for (const missing of ["999999", "abc"]) {
    const response = await page.goto(`/audit/${missing}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  }

  await page.goto(`/audit/${executionSeq}`);
  await verifyInBrowser(page);
  await expect(page.getByRole("status").filter({ hasText: /^All \d+ checks passed, computed in this browser\.$/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator("[data-ok=false]")).toHaveCount(0);
  await expect(page.locator("[data-check=approval][data-ok=true]")).toHaveCount(1);
  await expect(page.locator("[data-check=signature][data-ok=true]")).toHaveCount(3);
  await expect(page.locator("[data-check=inclusion][data-ok=true]")).toHaveCount(7);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "entry-verified");
});

test("after an entry is changed in the database, Verify shows the hash check failing", async ({ page }) => {
  const submitted = withDatabase((db) =>
    db.prepare(`SELECT "seq", "summary" FROM "AuditEntry" WHERE "type" = 'intent.submitted' AND "subjects" LIKE ?`).get(`%${intentId}%`) as { seq: number; summary: string },
  );
  const trigger = withDatabase((db) => (db.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "name" = 'AuditEntry_no_update'`).get() as { sql: string }).sql);
  withDatabase((db) => {
    db.exec(`DROP TRIGGER "AuditEntry_no_update"`);
    db.prepare(`UPDATE "AuditEntry" SET "summary" = ? WHERE "seq" = ?`).run("Nothing happened here.", submitted.seq);
  });
  try {
    await page.goto(`/audit/${executionSeq}`);
    await verifyInBrowser(page);
    await expect(page.getByRole("alert").filter({ hasText: /checks failed/ })).toBeVisible({ timeout: 30_000 });
    const tampered = page.getByRole("region", { name: `Entry ${submitted.seq}` });
    await expect(tampered.locator("[data-check=hash][data-ok=false]")).toContainText("Entry hash: failed. Hash mismatch");
    await expect(tampered.locator("[data-check=inclusion][data-ok=false]")).toBeVisible();
    // Only the changed entry fails.
    await expect(page.locator("[data-check=hash][data-ok=false]")).toHaveCount(1);
    await screenshots(page, "entry-tampered");
  } finally {
    withDatabase((db) => {
      db.prepare(`UPDATE "AuditEntry" SET "summary" = ? WHERE "seq" = ?`).run(submitted.summary, submitted.seq);
      db.exec(trigger);
    });
  }
});
