// Scope policies in the browser: an editor builds a policy with the visual editor (an allow rule
// on payments.* with a condition and an approval requirement), watches the simulator's verdict
// change while editing, keeps the JSON view and the cards in sync (and sees invalid JSON pointed
// out without losing it), publishes, publishes again, diffs two versions and rolls back; an
// invalid draft is refused by the server with the problem next to the field while the published
// version stays; an auditor sees everything read-only (and may export the published version).
// Then: a rule with a time window in a named zone and a source range, built with the cards, whose
// simulated verdict flips as the time or the address moves outside; export and import as JSON
// (invalid files pointed out, nothing lost); two editors whose drafts conflict; an unknown id.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AUDITOR_STATE, createMachine, EDITOR_NAME, EDITOR_STATE, ensureMachineOperators } from "./helpers/machines";
import { ADMIN_STATE } from "./helpers/operators";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });

const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-policies-screens");
const POLICY = "Payments e2e";
const MACHINE = "payments-worker-e2e";
let policyUrl = "";

test.beforeAll(async ({ browser }) => {
  await ensureMachineOperators(browser);
  fs.mkdirSync(SCREENS, { recursive: true });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await page.goto("/");
  await createMachine(page, { name: MACHINE, tags: ["team:payments", "env:prod"] });
  await context.close();
});

failOnPageErrors();
const screenshots = screenshotter(SCREENS);

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
  // Specs run one at a time in file order on a fresh data directory, and this is the first to
  // write policies (signed-intents, which also does, runs after it): the list starts empty.
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
    // The effective-access matrix shows the published version, and says so.
    const matrix = page.getByRole("table", { name: "Effective access" });
    // (Any machine row: with more than 20 machines enrolled, this one may not be among them.)
    await expect(matrix.locator("tbody tr").first()).toContainText("Published:");
    await expect(matrix).not.toContainText("Draft");
    await expect(matrix.locator("caption")).toContainText("the published version’s decision");
    await expectNoSeriousA11yViolations(page);
    await screenshots(page, "auditor");

    // Readers may export the published version (no import).
    await expect(page.getByRole("button", { name: "Import JSON…" })).toHaveCount(0);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export JSON" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${POLICY}.policy.json`);
    const exported = JSON.parse(fs.readFileSync(await file.path(), "utf8")) as { name: string; rules: { conditions: { value: number }[] }[] };
    expect(exported.name).toBe(POLICY);
    expect(exported.rules[0]!.conditions[0]!.value).toBe(1000);
    await expect(page.getByTestId("file-note")).toHaveText(/^Exported Payments e2e\.policy\.json: published v3\./);
  });
});

// ---------------------------------------------------------------------------------------------
// Time windows and source ranges, policy as code, two editors, unknown ids
// ---------------------------------------------------------------------------------------------

const HOURS_POLICY = "Office hours e2e";
let hoursUrl = "";

async function simulateAt(page: Page, time: string, source: string) {
  const sim = page.getByRole("region", { name: "Simulator" });
  await sim.getByLabel("Time (your zone)").fill(time);
  await sim.getByLabel("Source address").fill(source);
}

test.describe("time windows, source ranges and policy as code", () => {
  // The simulator's time is entered in the browser's zone: UTC here, so the rule's zone (New York) is what moves the window.
  test.use({ timezoneId: "UTC" });

  test("a rule with weekdays and hours in a named time zone and a source range: the verdict flips outside either, with the reason", async ({ page }) => {
    await page.goto("/policies");
    await page.getByRole("button", { name: "New policy" }).first().click();
    const create = page.getByRole("dialog", { name: "New policy" });
    await create.getByLabel("Name").fill(HOURS_POLICY);
    await create.getByRole("button", { name: "Create policy" }).click();
    await page.waitForURL(/\/policies\/[^/]+$/);
    hoursUrl = new URL(page.url()).pathname;

    await page.getByRole("button", { name: "+ Add rule" }).click();
    const r1 = rule(page, 1);
    // With suggestions (earlier policies' actions) the input offers a list: a combobox.
    const actionInput = r1.getByRole("combobox", { name: "Actions" }).or(r1.getByRole("textbox", { name: "Actions" }));
    await actionInput.fill("reports.read");
    await actionInput.press("Enter");
    await expect(r1.getByRole("list", { name: "Actions" })).toContainText("reports.read");
    await r1.getByText("Context: time windows and source addresses (none)").click();
    await r1.getByRole("checkbox", { name: "Only within time windows" }).check();
    await r1.getByLabel("Time zone").selectOption("America/New_York");
    // Weekdays, chosen one by one (none checked would mean every day).
    for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) await r1.getByRole("checkbox", { name: day, exact: true }).uncheck();
    for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri"]) await r1.getByRole("checkbox", { name: day, exact: true }).check();
    await r1.getByLabel("Window 1 from (HH:MM)").fill("08:00");
    await r1.getByLabel("Window 1 to (HH:MM, 24:00 ok)").fill("18:00");
    await r1.getByRole("checkbox", { name: "Only from source address ranges" }).check();
    await r1.getByRole("textbox", { name: "Source address ranges (CIDR)" }).fill("192.0.2.0/24");
    await r1.getByRole("textbox", { name: "Source address ranges (CIDR)" }).press("Enter");
    await expect(r1.getByRole("list", { name: "Source address ranges (CIDR)" })).toContainText("192.0.2.0/24");
    await expect(page.getByRole("region", { name: /problems?: this draft cannot be published/ })).toHaveCount(0);

    // What the cards wrote.
    await openTab(page, "JSON");
    expect((JSON.parse(await jsonArea(page).inputValue()) as { rules: { context: unknown }[] }).rules[0]!.context).toEqual({
      time: { timeZone: "America/New_York", windows: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "18:00" }] },
      sourceAddresses: ["192.0.2.0/24"],
    });
    await openTab(page, "Cards");

    const sim = page.getByRole("region", { name: "Simulator" });
    await sim.getByLabel("Machine tags").fill("team:reports");
    await sim.getByLabel("Action").fill("reports.read");
    await sim.getByLabel("Resource").fill("reports/q3");
    const verdict = draftVerdict(page).locator("[data-verdict]").first();
    const reasons = draftVerdict(page).getByRole("list", { name: "Draft: rules that did not match" });

    // Monday 14:00 UTC is 09:00 in New York (EST): inside, from the office range.
    await simulateAt(page, "2026-12-07T14:00", "192.0.2.10");
    await expect(verdict).toHaveText(/Allow/);
    await expect(draftVerdict(page)).toContainText('rule "rule-1"');

    // Monday 23:30 UTC is 18:30 in New York: after the window.
    await simulateAt(page, "2026-12-07T23:30", "192.0.2.10");
    await expect(verdict).toHaveText(/Deny/);
    await expect(draftVerdict(page)).toContainText("Denied: no rule allows this (default deny).");
    await expect(reasons).toContainText("rule-1 (allow): It is mon 18:30 in America/New_York, outside mon/tue/wed/thu/fri 08:00-18:00.");

    // 12:30 UTC would be inside 08:00-18:00 in UTC, but it is 07:30 in New York: the named zone decides.
    await simulateAt(page, "2026-12-07T12:30", "192.0.2.10");
    await expect(verdict).toHaveText(/Deny/);
    await expect(reasons).toContainText("It is mon 07:30 in America/New_York");

    // Saturday at 10:00 in New York: not a weekday.
    await simulateAt(page, "2026-12-12T15:00", "192.0.2.10");
    await expect(verdict).toHaveText(/Deny/);
    await expect(reasons).toContainText("It is sat 10:00 in America/New_York, outside mon/tue/wed/thu/fri 08:00-18:00.");

    // Back inside the window, from an address outside the range.
    await simulateAt(page, "2026-12-09T20:00", "198.51.100.7");
    await expect(verdict).toHaveText(/Deny/);
    await expect(reasons).toContainText("rule-1 (allow): The source address 198.51.100.7 is in none of 192.0.2.0/24.");
    await sim.getByLabel("Source address").fill("192.0.2.200");
    await expect(verdict).toHaveText(/Allow/);

    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(saveState(page)).toContainText("Draft saved");
  });

  test("export and import as JSON: a round trip restores the document, invalid files are pointed out and nothing is lost", async ({ page }) => {
    await page.goto(hoursUrl);
    const r1 = rule(page, 1);
    await expect(r1.getByLabel("Window 1 to (HH:MM, 24:00 ok)")).toHaveValue("18:00");
    // An unsaved change: the export is the draft as shown.
    await r1.getByLabel("Description (optional)").fill("Reports in office hours, from the office.");
    await expect(saveState(page)).toHaveText("Unsaved changes");

    // Export with the keyboard.
    await page.getByRole("button", { name: "Export JSON" }).focus();
    const download = page.waitForEvent("download");
    await page.keyboard.press("Enter");
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${HOURS_POLICY}.policy.json`);
    const exportedPath = path.join(SCREENS, file.suggestedFilename());
    await file.saveAs(exportedPath);
    const exportedText = fs.readFileSync(exportedPath, "utf8");
    await openTab(page, "JSON");
    const shown = await jsonArea(page).inputValue();
    expect(exportedText).toBe(`${JSON.stringify(JSON.parse(shown), null, 2)}\n`); // pretty-printed, the document shown
    expect(JSON.parse(exportedText)).toMatchObject({ name: HOURS_POLICY, rules: [{ id: "rule-1", description: "Reports in office hours, from the office.", context: { sourceAddresses: ["192.0.2.0/24"] } }] });
    await openTab(page, "Cards");
    await expect(page.getByTestId("file-note")).toHaveText(/^Exported Office hours e2e\.policy\.json: the draft as shown, with unsaved changes\./);

    // Change things, then import the exported file (keyboard again): the document is back.
    await r1.getByLabel("Window 1 to (HH:MM, 24:00 ok)").fill("20:00");
    await r1.getByLabel("Rule id").fill("changed");
    await r1.getByRole("button", { name: "Remove address range 192.0.2.0/24" }).click();
    await expect(r1.getByLabel("Rule id")).toHaveValue("changed");
    await page.getByRole("button", { name: "Import JSON…" }).focus();
    const chooser = page.waitForEvent("filechooser");
    await page.keyboard.press("Enter");
    await (await chooser).setFiles(exportedPath);
    await expect(page.getByTestId("file-note")).toHaveText(/Imported Office hours e2e\.policy\.json: the editor shows it\. Nothing is saved until you save the draft\./);
    await expect(r1.getByLabel("Rule id")).toHaveValue("rule-1");
    await expect(r1.getByLabel("Window 1 to (HH:MM, 24:00 ok)")).toHaveValue("18:00");
    await expect(r1.getByRole("list", { name: "Source address ranges (CIDR)" })).toContainText("192.0.2.0/24");
    await expect(r1.getByLabel("Description (optional)")).toHaveValue("Reports in office hours, from the office.");
    await openTab(page, "JSON");
    expect(JSON.parse(await jsonArea(page).inputValue())).toEqual(JSON.parse(exportedText));
    await openTab(page, "Cards");
    // Unsaved until Save: the server still has the draft without the description.
    await expect(saveState(page)).toHaveText("Unsaved changes");
    const before = (await (await page.request.get(`/api${hoursUrl}`)).json()) as { draft: { rules: { description?: string }[] } };
    expect(before.draft.rules[0]!.description).toBeUndefined();
    await screenshots(page, "editor-export-import");

    // An invalid file: pointed out with line and column in the JSON view, kept as it is; the cards keep the document; undo.
    const brokenPath = path.join(SCREENS, "broken.policy.json");
    const brokenText = exportedText.replace('"effect": "allow",', '"effect": "allow"');
    fs.writeFileSync(brokenPath, brokenText);
    const chooser2 = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Import JSON…" }).click();
    await (await chooser2).setFiles(brokenPath);
    await expect(page.getByTestId("file-note")).toHaveText(/broken\.policy\.json is not valid JSON \(line \d+, column \d+: .*\)\. Its text is in the JSON view as it is; the editor keeps the last valid document\./);
    await expect(page.getByRole("tab", { name: "JSON ⚠ invalid" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByRole("alert").filter({ hasText: "Invalid JSON at line" })).toContainText(/Invalid JSON at line \d+, column \d+/);
    await expect(jsonArea(page)).toHaveValue(brokenText);
    await expect(page.getByRole("button", { name: "Save draft" })).toBeDisabled();
    await openTab(page, "Cards");
    await expect(r1.getByLabel("Rule id")).toHaveValue("rule-1");
    await expect(r1.getByLabel("Rule id")).toBeDisabled();
    await page.getByRole("button", { name: "Undo import" }).click();
    await expect(page.getByTestId("file-note")).toHaveText(/Import undone/);
    await expect(page.getByRole("tab", { name: /^JSON$/ })).toBeVisible();
    await expect(r1.getByLabel("Rule id")).toBeEnabled();

    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(saveState(page)).toContainText("Draft saved");
    const after = (await (await page.request.get(`/api${hoursUrl}`)).json()) as { draft: unknown };
    expect(after.draft).toEqual(JSON.parse(exportedText));
  });
});

test("two editors: a draft saved meanwhile is a conflict, never silently overwritten; load theirs or overwrite with mine", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const other = await browser.newContext({ storageState: ADMIN_STATE });
  const theirs = await other.newPage();
  await Promise.all([page.goto(hoursUrl), theirs.goto(hoursUrl)]);
  await expect(rule(page, 1).getByLabel("Rule id")).toHaveValue("rule-1");
  await expect(rule(theirs, 1).getByLabel("Rule id")).toHaveValue("rule-1");

  // The editor saves first.
  await rule(page, 1).getByLabel("Description (optional)").fill("Mine: the editor's.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(saveState(page)).toContainText("Draft saved");

  // The administrator, who opened the same draft, saves: refused, and told so.
  await rule(theirs, 1).getByLabel("Description (optional)").fill("Theirs: the administrator's.");
  await theirs.getByRole("button", { name: "Save draft" }).click();
  const conflict = theirs.getByTestId("draft-conflict");
  await expect(conflict.getByRole("heading", { name: "This draft was changed by someone else since you opened it" })).toBeVisible();
  await expect(conflict).toContainText(`${EDITOR_NAME} saved it`);
  await expect(conflict).toContainText("Your changes are not saved and are still in the editor.");
  await expect(saveState(theirs)).toHaveText("Not saved: someone else changed the draft.");
  await expect(rule(theirs, 1).getByLabel("Description (optional)")).toHaveValue("Theirs: the administrator's.");
  let server = (await (await page.request.get(`/api${hoursUrl}`)).json()) as { draft: { rules: { description?: string }[] } };
  expect(server.draft.rules[0]!.description).toBe("Mine: the editor's.");
  await screenshots(theirs, "draft-conflict");

  // "Overwrite with mine" saves over the editor's draft, knowingly.
  await conflict.getByRole("button", { name: "Overwrite with mine" }).click();
  await expect(saveState(theirs)).toContainText("Draft saved");
  await expect(conflict).toHaveCount(0);
  server = (await (await page.request.get(`/api${hoursUrl}`)).json()) as typeof server;
  expect(server.draft.rules[0]!.description).toBe("Theirs: the administrator's.");

  // The editor, still on the old draft, saves again: a conflict; "Load their version" shows the administrator's.
  await rule(page, 1).getByLabel("Window 1 from (HH:MM)").fill("07:00");
  await page.getByRole("button", { name: "Save draft" }).click();
  const mine = page.getByTestId("draft-conflict");
  await expect(mine).toContainText("This draft was changed by someone else since you opened it");
  await mine.getByRole("button", { name: "Load their version" }).focus();
  await page.keyboard.press("Enter");
  await expect(mine).toHaveCount(0);
  await expect(rule(page, 1).getByLabel("Description (optional)")).toHaveValue("Theirs: the administrator's.");
  await expect(rule(page, 1).getByLabel("Window 1 from (HH:MM)")).toHaveValue("08:00");
  // From their version, saving works again.
  await rule(page, 1).getByLabel("Window 1 from (HH:MM)").fill("07:30");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(saveState(page)).toContainText("Draft saved");
  await other.close();
});

test("an unknown policy id is a 404 page", async ({ page }) => {
  const response = await page.goto("/policies/no-such-policy");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});

test("a machine's page lists the published policies whose targets include it, by tag", async ({ page }) => {
  const tag = `team:e2e-${Date.now()}`;
  const machine = await createMachine(page, { name: `tagged-${Date.now()}`, tags: [tag] });
  await page.goto(`/machines/${machine.id}`);
  const section = page.getByRole("region", { name: "Policies" });
  await expect(section).not.toContainText("Loading policies");
  await expect(section).not.toContainText(`Tagged ${tag}`);

  // Publish, through the Console API, a policy that targets the machine's tag.
  const headers = { origin: new URL(page.url()).origin };
  const created = await page.request.post("/api/policies", { headers, data: { name: `Tagged ${tag}` } });
  expect(created.status(), await created.text()).toBe(201);
  const { policy } = (await created.json()) as { policy: { id: string } };
  const document = { format: "pteri.policy/v1", name: `Tagged ${tag}`, targets: { tagSelectors: [[tag]] }, rules: [] };
  expect((await page.request.put(`/api/policies/${policy.id}/draft`, { headers, data: { document } })).status()).toBe(200);
  const published = await page.request.post(`/api/policies/${policy.id}/publish`, { headers, data: { note: "targets the e2e tag" } });
  expect(published.status(), await published.text()).toBe(201);

  await page.reload();
  await expect(section.getByRole("link", { name: `Tagged ${tag}` })).toHaveAttribute("href", `/policies/${policy.id}`);
  await expect(section).toContainText("version 1");
});
