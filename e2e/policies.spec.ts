// Scope policies in the browser: an editor builds a policy with the visual editor (an allow rule
// on payments.* with a condition and an approval requirement), watches the simulator's verdict
// change while editing, keeps the JSON view and the cards in sync (and sees invalid JSON pointed
// out without losing it), publishes, publishes again, diffs two versions and rolls back; an
// invalid draft is refused by the server with the problem next to the field while the published
// version stays; an auditor sees everything read-only.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AUDITOR_STATE, collectPageErrors, createMachine, EDITOR_STATE, ensureMachineOperators } from "./helpers/machines";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });

const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-policies-screens");
const POLICY = "Payments e2e";
const MACHINE = "payments-worker-e2e";
let policyUrl = "";
let pageErrors: () => string[] = () => [];

test.beforeAll(async ({ browser }) => {
  await ensureMachineOperators(browser);
  fs.mkdirSync(SCREENS, { recursive: true });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await page.goto("/");
  await createMachine(page, { name: MACHINE, tags: ["team:payments", "env:prod"] });
  await context.close();
});

test.beforeEach(({ page }) => {
  pageErrors = collectPageErrors(page);
});

test.afterEach(() => {
  expect(pageErrors(), "console errors on the page").toEqual([]);
});

async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENS, `${name}-${scheme}.png`), fullPage: true, animations: "disabled" });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

const rule = (page: Page, n: number): Locator => page.getByRole("region", { name: new RegExp(`^Rule ${n}\\b`) });
const draftVerdict = (page: Page) => page.getByTestId("sim-draft");
const versionsTable = (page: Page) => page.getByRole("table", { name: "Version history" });
const saveState = (page: Page) => page.getByTestId("save-state");
const jsonArea = (page: Page) => page.getByLabel("Policy document (JSON)");

async function openTab(page: Page, name: "Cards" | "JSON") {
  await page.getByRole("tab", { name: new RegExp(`^${name}`) }).click();
}

async function publish(page: Page, note: string, version: number) {
  await page.getByRole("button", { name: "Publish…" }).click();
  const dialog = page.getByRole("dialog", { name: `Publish v${version}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Change note (required)").fill(note);
  await dialog.getByRole("button", { name: `Publish v${version}` }).click();
  await expect(dialog).toBeHidden();
  await expect(versionsTable(page).getByRole("row", { name: new RegExp(`v${version} in force`) })).toBeVisible();
}

test("an editor builds, simulates, syncs JSON, publishes, diffs and rolls back a policy", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/policies");
  await expect(page.getByRole("heading", { level: 1, name: "Policies" })).toBeVisible();
  await expect(page.getByRole("region", { name: "No policies yet" })).toContainText("default deny");
  await page.getByRole("button", { name: "New policy" }).first().click();
  const create = page.getByRole("dialog", { name: "New policy" });
  await create.getByLabel("Name").fill(POLICY);
  await create.getByLabel("Description (optional)").fill("Who may move money.");
  await create.getByRole("button", { name: "Create policy" }).click();
  await page.waitForURL(/\/policies\/[^/]+$/);
  policyUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: POLICY })).toBeVisible();
  await expect(page.getByText("No rules: every intent on the targeted machines is denied (default deny).")).toBeVisible();

  // The rule, built with the cards.
  await page.getByRole("button", { name: "+ Add rule" }).click();
  const r1 = rule(page, 1);
  await expect(r1).toBeVisible();
  await expect(r1.getByText("List at least one action (* for any).")).toBeVisible(); // next to the empty actions field
  await r1.getByRole("textbox", { name: "Actions" }).fill("payments.*");
  await r1.getByRole("textbox", { name: "Actions" }).press("Enter");
  await expect(r1.getByRole("list", { name: "Actions" })).toContainText("payments.*");
  await expect(r1.getByText("List at least one action (* for any).")).toHaveCount(0);
  await r1.getByRole("button", { name: "+ Add condition" }).click();
  await r1.getByLabel("Field (condition 1)").fill("params.amount");
  await r1.getByLabel("Operator (condition 1)").selectOption("lte");
  await r1.getByLabel("Value (condition 1)").fill("1000");
  await r1.getByText("Approval (none)").click();
  await r1.getByRole("checkbox", { name: "Require approval" }).check();
  await expect(r1.getByLabel("Approvers (requirement 1)")).toHaveValue("1");
  await expect(saveState(page)).toHaveText("Unsaved changes");

  // The simulator, as the operator edits.
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.getByLabel("Machine", { exact: true }).selectOption({ label: `${MACHINE} (team:payments, env:prod)` });
  await sim.getByLabel("Action").fill("payments.transfer");
  await sim.getByLabel("Resource").fill("accounts/acme/payouts");
  await sim.getByLabel("Parameters (JSON)").fill('{ "amount": 500 }');
  await expect(draftVerdict(page).locator("[data-verdict]").first()).toHaveText(/Allow with approval/);
  await expect(draftVerdict(page)).toContainText("Approval needed: 1 approver (distinct operators), within 86400 s.");
  await expect(draftVerdict(page)).toContainText('Allowed once approved by 1 approver (distinct operators), within 86400 s; required by rule "rule-1"');
  await expect(page.getByTestId("sim-published")).toContainText("Not published yet: every intent is denied (default deny).");

  await r1.getByLabel("Value (condition 1)").fill("100");
  await expect(draftVerdict(page).locator("[data-verdict]").first()).toHaveText(/Deny/);
  await expect(draftVerdict(page)).toContainText("Denied: no rule allows this (default deny).");
  await expect(draftVerdict(page).getByRole("list", { name: "Draft: rules that did not match" })).toContainText("rule-1 (allow): params.amount is 500, but the rule requires it to be at most 100.");

  // The effective-access matrix says it in words, for the draft and the published version.
  const matrix = page.getByRole("table", { name: "Effective access" });
  await expect(matrix.getByRole("row", { name: new RegExp(MACHINE) })).toContainText(/Draft: ✕ Deny/);
  await expect(matrix.getByRole("row", { name: new RegExp(MACHINE) })).toContainText(/Published: ✕ Deny/);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "editor-simulator");

  // Duplicate, reorder with the keyboard, delete: ids stay unique and stable.
  await r1.getByRole("button", { name: "Duplicate rule 1" }).click();
  await expect(rule(page, 2)).toContainText("rule-1-copy");
  await rule(page, 2).getByRole("button", { name: "Move rule 2 up" }).focus();
  await page.keyboard.press("Enter");
  await expect(rule(page, 1)).toContainText("rule-1-copy");
  await expect(rule(page, 1).getByRole("button", { name: "Move rule 1 down" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(rule(page, 1).getByLabel("Rule id")).toHaveValue("rule-1");
  await rule(page, 2).getByRole("button", { name: "Delete rule 2" }).click();
  await expect(rule(page, 2)).toHaveCount(0);

  // The JSON view: an edit there updates the card.
  await openTab(page, "JSON");
  const text = await jsonArea(page).inputValue();
  const doc = JSON.parse(text) as { rules: { conditions: { value: number }[]; description?: string }[] };
  expect(doc.rules).toHaveLength(1);
  doc.rules[0]!.conditions[0]!.value = 1000;
  doc.rules[0]!.description = "Payments up to 1,000 with one approval.";
  await jsonArea(page).fill(JSON.stringify(doc, null, 2));
  await openTab(page, "Cards");
  await expect(rule(page, 1).getByLabel("Value (condition 1)")).toHaveValue("1000");
  await expect(rule(page, 1).getByLabel("Description (optional)")).toHaveValue("Payments up to 1,000 with one approval.");
  await expect(draftVerdict(page).locator("[data-verdict]").first()).toHaveText(/Allow with approval/);

  // Invalid JSON is pointed out and never dropped.
  await openTab(page, "JSON");
  const valid = await jsonArea(page).inputValue();
  const broken = valid.replace('"effect": "allow",', '"effect": "allow"\n      "oops": ,');
  await jsonArea(page).fill(broken);
  await expect(page.getByRole("alert").filter({ hasText: "Invalid JSON at line" })).toContainText(/Invalid JSON at line \d+, column \d+/);
  await expect(jsonArea(page)).toHaveValue(broken);
  await expect(jsonArea(page)).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("button", { name: "Save draft" })).toBeDisabled();
  await expect(page.getByRole("tab", { name: "JSON ⚠ invalid" })).toBeVisible();
  await screenshots(page, "json-error");
  await openTab(page, "Cards");
  await expect(page.getByText("The JSON view has a syntax error")).toBeVisible();
  await expect(rule(page, 1).getByLabel("Value (condition 1)")).toHaveValue("1000");
  await expect(rule(page, 1).getByLabel("Value (condition 1)")).toBeDisabled();
  await openTab(page, "JSON");
  await expect(jsonArea(page)).toHaveValue(broken); // still exactly as typed
  await jsonArea(page).fill(valid);
  await expect(page.getByRole("tab", { name: /^JSON$/ })).toBeVisible();
  await openTab(page, "Cards");

  // Save, then publish v1 with a required note and the impact preview.
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(saveState(page)).toContainText("Draft saved");
  await page.getByRole("button", { name: "Publish…" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish v1" });
  await expect(dialog.getByTestId("impact")).toContainText("0 intents replayed; no decision would change.");
  await expect(dialog.getByTestId("impact")).toContainText(/No intents are recorded yet/);
  await dialog.getByLabel("Replay intents recorded over").selectOption({ label: "Last 7 days" });
  await expect(dialog.getByTestId("impact")).toContainText("0 intents replayed");
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog.getByText("Write a change note")).toBeVisible();
  await dialog.getByLabel("Change note (required)").fill("Payments up to 1,000 once approved.");
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog).toBeHidden();
  await expect(versionsTable(page).getByRole("row", { name: /v1 in force/ })).toContainText("Payments up to 1,000 once approved.");
  await expect(saveState(page)).toHaveText("No unpublished changes (published v1)");
  await expect(page.getByTestId("sim-published")).toContainText("Published v1");
  await expect(page.getByTestId("sim-published").locator("[data-verdict]")).toHaveText(/Allow with approval/);

  // v2: a lower limit.
  await rule(page, 1).getByLabel("Value (condition 1)").fill("500");
  await expect(saveState(page)).toHaveText("Unsaved changes");
  await publish(page, "Lower the limit to 500.", 2);
  await expect(rule(page, 1).getByLabel("Value (condition 1)")).toHaveValue("500");

  // Diff v1 and v2: the changed line.
  const diff = page.getByRole("region", { name: "Differences between v1 and v2" });
  await expect(diff.locator('[data-diff="removed"]')).toHaveText([/"value": 1000/]);
  await expect(diff.locator('[data-diff="added"]')).toHaveText([/"value": 500/]);
  await diff.scrollIntoViewIfNeeded();
  await screenshots(page, "versions-diff");

  // View v1 read-only.
  await versionsTable(page).getByRole("button", { name: "View v1" }).click();
  const view = page.getByRole("dialog", { name: "Version 1 (read-only)" });
  await expect(view.getByLabel("Version 1 document")).toContainText('"value": 1000');
  await view.getByRole("button", { name: "Close" }).click();

  // Roll back to v1: v3, equal to v1.
  await versionsTable(page).getByRole("button", { name: "Roll back to v1" }).click();
  const rollback = page.getByRole("dialog", { name: "Roll back to v1" });
  await rollback.getByRole("button", { name: "Roll back (publish v3)" }).click();
  await expect(rollback.getByText("Write why you roll back")).toBeVisible();
  await rollback.getByLabel("Change note (required)").fill("500 was too strict.");
  await rollback.getByRole("button", { name: "Roll back (publish v3)" }).click();
  await expect(versionsTable(page).getByRole("row", { name: /v3 in force/ })).toContainText("rollback to v1");
  await expect(rule(page, 1).getByLabel("Value (condition 1)")).toHaveValue("1000");
  await page.getByLabel("From version").selectOption("1");
  await page.getByLabel("To version").selectOption("3");
  await expect(page.getByText("v1 → v3: the documents are the same.")).toBeVisible();

  // The list shows the version in force.
  await page.goto("/policies");
  const row = page.getByRole("table", { name: "Policies" }).getByRole("row", { name: new RegExp(POLICY) });
  await expect(row).toContainText("v3");
  await expect(row).not.toContainText("unpublished changes");
  await screenshots(page, "list");
});

test("a draft that fails validation is refused with the problem next to the field; the published version stays", async ({ page }) => {
  await page.goto(policyUrl);
  const r1 = rule(page, 1);
  await r1.getByLabel("Rule id").fill("bad id!");
  await expect(r1.getByLabel("Rule id")).toHaveAccessibleDescription(/A rule id is 1 to 64 letters, digits and \. _ -/);
  await expect(page.getByRole("region", { name: /^1 problem: this draft cannot be published/ })).toContainText("rules[0].id");
  await page.getByRole("button", { name: "Publish…" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish v4" });
  await expect(dialog.getByRole("note")).toContainText("The server refuses an invalid policy; v3 would stay in force.");
  await dialog.getByLabel("Change note (required)").fill("Should be refused.");
  await dialog.getByRole("button", { name: "Publish v4" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("alert").filter({ hasText: "Not published" })).toContainText("Published v3 stays in force. The draft is kept.");
  await expect(r1.getByLabel("Rule id")).toHaveAccessibleDescription(/A rule id is 1 to 64/);
  await expect(versionsTable(page).getByRole("row", { name: /v3 in force/ })).toBeVisible();
  await expect(versionsTable(page).getByRole("row", { name: /^v4/ })).toHaveCount(0);
  await screenshots(page, "publish-refused");

  // The draft was saved (kept), the server still has v3 in force.
  const api = (await (await page.request.get(`/api${policyUrl}`)).json()) as { latestVersion: number; draft: { rules: { id: string }[] } };
  expect(api.latestVersion).toBe(3);
  expect(api.draft.rules[0]!.id).toBe("bad id!");
  await page.reload();
  await expect(rule(page, 1).getByLabel("Rule id")).toHaveValue("bad id!");

  // Discard: back to v3.
  await page.getByRole("button", { name: "Discard draft" }).click();
  await page.getByRole("dialog", { name: "Discard the draft?" }).getByRole("button", { name: "Discard draft" }).click();
  await expect(rule(page, 1).getByLabel("Rule id")).toHaveValue("rule-1");
  await expect(saveState(page)).toHaveText("No unpublished changes (published v3)");
});

test.describe("as an auditor", () => {
  test.use({ storageState: AUDITOR_STATE });

  test("an auditor sees policies read-only", async ({ page }) => {
    await page.goto("/policies");
    await expect(page.getByRole("heading", { level: 1, name: "Policies" })).toBeVisible();
    await expect(page.getByRole("button", { name: "New policy" })).toHaveCount(0);
    await page.getByRole("link", { name: POLICY }).click();
    await expect(page.getByRole("heading", { level: 1, name: POLICY })).toBeVisible();
    await expect(saveState(page)).toHaveText("Read-only: published v3");
    await expect(page.getByRole("button", { name: "Save draft" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Publish…" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "+ Add rule" })).toHaveCount(0);
    await expect(rule(page, 1).getByLabel("Rule id")).toBeDisabled();
    await expect(rule(page, 1).getByLabel("Value (condition 1)")).toHaveValue("1000");
    await expect(versionsTable(page).getByRole("button", { name: /Roll back/ })).toHaveCount(0);
    await openTab(page, "JSON");
    await expect(jsonArea(page)).toHaveAttribute("readonly", "");
    await openTab(page, "Cards");
    // The simulator still works for readers.
    const sim = page.getByRole("region", { name: "Simulator" });
    await sim.getByLabel("Machine tags").fill("team:payments");
    await sim.getByLabel("Action").fill("payments.refund");
    await sim.getByLabel("Resource").fill("accounts/acme");
    await sim.getByLabel("Parameters (JSON)").fill('{ "amount": 5000 }');
    await expect(draftVerdict(page).locator("[data-verdict]").first()).toHaveText(/Deny/);
    await expect(draftVerdict(page)).toContainText("params.amount is 5000, but the rule requires it to be at most 1000.");
    await expectNoSeriousA11yViolations(page);
    await screenshots(page, "auditor");
  });
});
