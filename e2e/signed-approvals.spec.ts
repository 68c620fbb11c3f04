// The Approvals page with real passkeys: a machine (enrolled with the CLI, submitting with the
// SDK) asks for something a published policy holds for two approvers. The intent appears in an
// approver's queue without a reload, its parameters (with markup in keys and values) show as
// text, two approvers sign their approvals with their passkeys (Chromium's virtual
// authenticator, one browser context each) and the machine's wait for the decision ends in
// "approved". A second intent: a cancelled passkey prompt keeps the form, then one rejection
// ends it; an editor (no approver role) sees the queue read-only.
// Named to run after machines.spec and policies.spec, whose first tests need an empty inventory
// and policy list (specs run in file order on one data directory).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { getIntent, waitForDecision } from "../lib/sdk/node";
import { approverPage, APPROVERS, decide, ensureApprovers, enrollMachine, publishPolicy, submit } from "./helpers/approvals";
import { EDITOR_STATE, ensureMachineOperators } from "./helpers/machines";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });

const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-approvals-screens");
const AUDIENCE = "https://deploy.example";
const MACHINE = "approvals-deployer";
const POLICY = "E2E approvals";
const LONG = "x".repeat(600);
const MARKUP_PARAMS = { version: "1.2.3", note: "<img src=x onerror=alert(1)>", "<script>alert(1)</script>": "key with markup", changelog: LONG };

let key = "";
let policyId = "";
let approvedId = "";

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  fs.mkdirSync(SCREENS, { recursive: true });
  await ensureMachineOperators(browser);
  await ensureApprovers(browser);
  key = await enrollMachine({ name: MACHINE, tags: ["e2e-approvals", "env:prod"], owner: "Deploy team", environment: "production" });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await page.goto("/policies");
  policyId = await publishPolicy(page, {
    name: POLICY,
    targets: { tagSelectors: [["e2e-approvals"]] },
    rules: [
      {
        id: "prod-changes",
        effect: "allow",
        actions: ["deploy.rollback", "deploy.purge"],
        resources: ["services/*"],
        approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 900, executionWindowSeconds: 600 },
      },
    ],
  });
  await context.close();
});

failOnPageErrors();
const screenshots = screenshotter(SCREENS);

const card = (page: Page, action: string): Locator => page.getByRole("article", { name: `${action} on services/api` });

test("an intent needing two approvals appears live, shows its parameters as text, and two approvers approve it with their passkeys", async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await approverPage(browser, APPROVERS.a.who);
  await expect(a.page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
  // The first spec that submits intents needing approval: the queue starts empty, and says why.
  await expect(a.page.getByRole("region", { name: "Nothing waiting for approval" })).toContainText("published policy holds for approval");

  const answer = await submit(key, { action: "deploy.rollback", resource: "services/api", params: MARKUP_PARAMS, audience: AUDIENCE, path: "/rollbacks", body: '{"to":"1.2.2"}' });
  expect(answer.status).toBe("pending");
  approvedId = answer.id;
  const decided = waitForDecision({ server: baseURL, key, id: answer.id, timeoutSeconds: 150 });

  // Live: no reload.
  const item = card(a.page, "deploy.rollback");
  await expect(item).toBeVisible({ timeout: 10_000 });
  await expect(a.page.getByRole("tab", { name: "Pending (1)" })).toBeVisible();
  await expect(a.page.getByText(/New intent waiting for approval: deploy\.rollback on services\/api from approvals-deployer/)).toBeAttached();

  // Machine-supplied markup is text: shown literally, never parsed.
  const params = item.getByTestId("intent-params");
  await expect(params).toContainText('"note": "<img src=x onerror=alert(1)>"');
  await expect(params).toContainText('"<script>alert(1)</script>": "key with markup"');
  await expect(a.page.locator('img[src="x"]')).toHaveCount(0);
  await expect(item.locator("script")).toHaveCount(0);
  // A long value is shortened until asked for.
  await expect(params).toContainText("… [440 more characters]");
  await expect(params).not.toContainText(LONG);
  await item.getByRole("button", { name: "Show full values (1 shortened)" }).click();
  await expect(params).toContainText(LONG);
  await item.getByRole("button", { name: "Shorten long values" }).click();

  // Everything needed to decide.
  await expect(item.getByRole("link", { name: MACHINE })).toHaveAttribute("href", /^\/machines\/[^/]+$/);
  await expect(item.getByRole("list", { name: `Tags of ${MACHINE}` })).toContainText("env:prod");
  await expect(item).toContainText("Owner: Deploy team");
  await expect(item).toContainText("Environment: production");
  await expect(item.getByTestId("intent-request")).toHaveText("POST https://deploy.example/rollbacks");
  await expect(item).toContainText("content-digest: sha-256=:");
  await expect(item.getByRole("link", { name: POLICY })).toHaveAttribute("href", `/policies/${policyId}`);
  await expect(item).toContainText("v1, rule prod-changes");
  await expect(item.getByTestId("approval-progress")).toHaveText("0 of 2 approvals");
  await expect(item.getByTestId("time-left")).toHaveText(/^1[45] min( \d+ s)? left to decide$/);
  await expect(item).toContainText(answer.hash);
  await expectNoSeriousA11yViolations(a.page);
  await screenshots(a.page, "queue-pending");

  // The dialog: a reason is required, the window can only be shortened, and it shows what is signed.
  await item.getByRole("button", { name: "Approve…" }).click();
  const dialog = a.page.getByRole("dialog", { name: "Approve deploy.rollback" });
  await expect(dialog.getByLabel("Reason (required)")).toBeFocused();
  await expect(dialog.getByTestId("signed-intent-hash")).toHaveText(answer.hash);
  await expect(dialog.getByTestId("signed-decision")).toHaveText("approve");
  await dialog.getByRole("button", { name: "Approve with passkey" }).click();
  await expect(dialog.getByText("Give a reason: it is signed with the decision and kept in the audit trail.")).toBeVisible();
  await dialog.getByLabel("Reason (required)").fill("Rollback agreed in the incident call.");
  await dialog.getByLabel("Execution window").selectOption("custom");
  await dialog.getByLabel("Seconds").fill("601");
  await dialog.getByRole("button", { name: "Approve with passkey" }).click();
  await expect(dialog.getByText(/At most 600 seconds/)).toBeVisible();
  await dialog.getByLabel("Execution window").selectOption({ label: "5 min" });
  await expect(dialog.getByRole("region", { name: "What your passkey signs" })).toContainText("5 min (300 s)");
  await expectNoSeriousA11yViolations(a.page, "dialog");
  await screenshots(a.page, "decision-dialog");
  await dialog.getByRole("button", { name: "Approve with passkey" }).click();
  await expect(dialog).toBeHidden();
  await expect(a.page.getByRole("status").filter({ hasText: "You approved deploy.rollback on services/api. Your approval is recorded; more approvals are needed." })).toBeFocused();
  await expect(item.getByTestId("approval-progress")).toHaveText("1 of 2 approvals");
  await expect(item).toContainText(`${APPROVERS.a.name} approved`);
  await expect(item.getByRole("button", { name: "Approve…" })).toHaveCount(0);
  await expect(item.getByTestId("viewer-reason")).toContainText("You already approved this intent");
  expect((await getIntent({ server: baseURL, key, id: answer.id })).status).toBe("pending");

  // The second approver, in their own browser.
  const b = await approverPage(browser, APPROVERS.b.who);
  const itemB = card(b.page, "deploy.rollback");
  await expect(itemB.getByTestId("approval-progress")).toHaveText("1 of 2 approvals");
  await expect(itemB).toContainText(`approved by ${APPROVERS.a.name}`);
  await decide(b.page, itemB, "Approve", "Checked the diff; fine.");
  await expect(b.page.getByText("You approved deploy.rollback on services/api. All required approvals are in: the machine may execute it now.")).toBeVisible();
  await expect(itemB).toHaveCount(0); // left the pending queue
  await b.page.getByRole("tab", { name: "Decided" }).click();
  const decidedItem = card(b.page, "deploy.rollback");
  await expect(decidedItem.locator(`[data-status="approved"]`)).toBeVisible();
  await expect(decidedItem.getByTestId("approval-progress")).toHaveText("2 of 2 approvals");
  await expect(decidedItem.getByTestId("time-left")).toHaveText(/left to execute$/);
  await screenshots(b.page, "queue-decided");

  // The machine's long poll ends with the decision.
  expect((await decided).status).toBe("approved");
  // Approver A's queue follows without a reload.
  await expect(item).toHaveCount(0);
  await expect(a.page.getByRole("region", { name: "Nothing waiting for approval" })).toBeVisible();
  expect([...a.errors(), ...b.errors()]).toEqual([]);
  await a.close();
  await b.close();
});

test("a cancelled passkey prompt keeps the form; one rejection ends an intent; an editor sees it read-only", async ({ browser, page }) => {
  test.setTimeout(180_000);
  const answer = await submit(key, { action: "deploy.purge", resource: "services/api", params: { cache: "all" }, audience: AUDIENCE, path: "/purges", body: "{}" });
  expect(answer.status).toBe("pending");

  // An editor (no approver role): everything visible, no buttons, and why.
  await page.goto("/approvals");
  const readOnly = card(page, "deploy.purge");
  await expect(readOnly).toBeVisible();
  await expect(readOnly.getByTestId("viewer-reason")).toHaveText("Deciding on intents needs the approver role.");
  await expect(readOnly.getByRole("button", { name: /Approve|Reject/ })).toHaveCount(0);

  // The approver cancels the passkey prompt (the browser answers NotAllowedError, as it does for
  // a dismissed prompt; a virtual authenticator cannot be dismissed): the reason stays, nothing is recorded.
  const b = await approverPage(browser, APPROVERS.b.who);
  await b.page.evaluate(() => {
    const original = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = () => {
      navigator.credentials.get = original;
      return Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"));
    };
  });
  const item = card(b.page, "deploy.purge");
  const dialog = await decide(b.page, item, "Reject", "Purging the cache at peak hours is not safe.");
  await expect(dialog.getByRole("alert")).toContainText("The passkey prompt was cancelled or timed out.");
  await expect(dialog.getByLabel("Reason (required)")).toHaveValue("Purging the cache at peak hours is not safe.");
  expect((await getIntent({ server: baseURL, key, id: answer.id })).status).toBe("pending");

  // Trying again, the same form signs the rejection: one rejection ends the intent.
  await dialog.getByRole("button", { name: "Reject with passkey" }).click();
  await expect(dialog).toBeHidden();
  await expect(b.page.getByText("You rejected deploy.purge on services/api. The intent is rejected and cannot be executed.")).toBeVisible();
  await expect(item).toHaveCount(0);
  expect((await getIntent({ server: baseURL, key, id: answer.id })).status).toBe("rejected");

  // The editor's queue follows; the detail page shows the decision, the reason and the machine's history.
  await expect(readOnly).toHaveCount(0);
  await page.goto(`/approvals/${answer.id}`);
  const detail = page.getByRole("article", { name: "deploy.purge on services/api" });
  await expect(detail.locator(`[data-status="rejected"]`)).toBeVisible();
  await expect(detail).toContainText(`${APPROVERS.b.name} rejected`);
  await expect(detail).toContainText("Purging the cache at peak hours is not safe.");
  await expect(detail.getByRole("button", { name: /Approve|Reject/ })).toHaveCount(0);
  const history = page.getByRole("table", { name: `Recent intents of ${MACHINE}` });
  await expect(history.getByRole("link", { name: "deploy.rollback" })).toHaveAttribute("href", `/approvals/${approvedId}`);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "detail-rejected");
  expect(b.errors()).toEqual([]);
  await b.close();
});
