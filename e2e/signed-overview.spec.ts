// The Overview as an auditor sees it once earlier specs have created machines, intents and
// approvals: non-zero charts with their table alternative, a pending approval of our own
// linking to its detail, recent machines, the latest checkpoint, and the range in the URL.
// Named to run after signed-execution.spec and signed-intents.spec (specs run in name order).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { enrollMachine, publishPolicy, submit } from "./helpers/approvals";
import { AUDITOR_STATE, EDITOR_STATE, ensureMachineOperators } from "./helpers/machines";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: AUDITOR_STATE });
failOnPageErrors();

const SHOTS = process.env.PTERI_E2E_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-overview-"));
const shots = screenshotter(SHOTS);
let pendingId = "";

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await ensureMachineOperators(browser);
  const key = await enrollMachine({ name: "overview-reporter", tags: ["e2e-overview"] });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await publishPolicy(page, {
    name: "E2E overview",
    targets: { tagSelectors: [["e2e-overview"]] },
    rules: [{ id: "reports", effect: "allow", actions: ["reports.publish"], resources: ["reports/*"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 3600 } }],
  });
  // The well-known URL signs a checkpoint when none exists yet.
  expect((await page.request.get("/.well-known/pteri-checkpoint")).status()).toBe(200);
  await context.close();
  const answer = await submit(key, { action: "reports.publish", resource: "reports/q4", params: { quarter: 4 }, audience: "https://reports.example", path: "/publish", body: '{"quarter":4}' });
  expect(answer.status).toBe("pending");
  pendingId = answer.id;
});

test("shows non-zero charts, a pending approval, recent machines and the latest checkpoint", async ({ page }) => {
  await page.goto("/");
  const intents = page.getByRole("figure", { name: /Intents by outcome/ });
  await expect(intents).toBeVisible();
  await expect(intents.locator("figcaption")).not.toContainText("(0 in total)");
  expect(await intents.locator("g[data-total]").count()).toBe(24);

  // The table alternative carries the same numbers.
  await intents.getByRole("button", { name: "Show as table" }).click();
  await expect(intents.getByRole("table")).toBeVisible();
  await expect(intents.getByRole("columnheader", { name: "Waiting for approval" })).toBeVisible();
  await intents.getByRole("button", { name: "Show as chart" }).click();

  // Bars are reachable with the keyboard and say what they hold.
  const lastBar = intents.locator("g[data-total]").last();
  await lastBar.focus();
  await expect(lastBar).toBeFocused();
  await expect(lastBar).toHaveAttribute("aria-label", /UTC: .*waiting for approval/);

  const pending = page.getByRole("region", { name: "Pending approvals" });
  await expect(pending.getByRole("link", { name: "reports.publish on reports/q4" })).toHaveAttribute("href", `/approvals/${pendingId}`);

  await expect(page.getByRole("list", { name: "Recently enrolled machines" }).getByRole("link", { name: "overview-reporter" })).toBeVisible();
  const checkpoint = page.getByTestId("latest-checkpoint");
  await expect(checkpoint).toContainText(/Entries\s*[1-9]/);
  await expect(checkpoint.locator("dd.font-mono")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByRole("region", { name: "Latest checkpoint" }).getByRole("link", { name: "Audit log" })).toHaveAttribute("href", "/audit");

  await expectNoSeriousA11yViolations(page);
  await shots(page, "overview-24h");

  await pending.getByRole("link", { name: "reports.publish on reports/q4" }).click();
  await expect(page).toHaveURL(new RegExp(`/approvals/${pendingId}$`));
});

test("range switching keeps the range in the URL, and a shared link opens on it", async ({ page }) => {
  await page.goto("/");
  const intents = page.getByRole("figure", { name: /Intents by outcome/ });
  await expect(intents.locator("g[data-total]")).toHaveCount(24);
  await page.getByRole("group", { name: "Time range" }).getByRole("button", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\?range=7d$/);
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(intents.locator("g[data-total]")).toHaveCount(7);
  await expect(page.getByRole("heading", { name: /Activity in the last 7 days/ })).toBeVisible();
  await expect(intents.locator("figcaption")).not.toContainText("(0 in total)");
  await shots(page, "overview-7d");

  await page.goto("/?range=30d");
  await expect(intents.locator("g[data-total]")).toHaveCount(30);
  await page.goBack();
  await expect(page).toHaveURL(/\?range=7d$/);
  await expect(intents.locator("g[data-total]")).toHaveCount(7);
});
