// The Audit page's search: full text and filters kept in the address (reload and a shared
// link reproduce them), keyset "Load more", the empty result naming its filters, exports for
// the current search, and machine-supplied HTML shown as text.
// Named to run after machines.spec, whose first test needs an empty inventory (specs run in file
// order on one data directory): this spec creates machines.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { AUDITOR_STATE, createMachine, EDITOR_STATE, ensureMachineOperators } from "./helpers/machines";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });

const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-audit-search-screens");
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> search-target`;
const results = (page: Page) => page.getByRole("list", { name: "Matching entries" }).getByRole("listitem");

test.beforeAll(async ({ browser }) => {
  await ensureMachineOperators(browser);
  fs.mkdirSync(SCREENS, { recursive: true });
  const context = await browser.newContext({ storageState: EDITOR_STATE });
  const page = await context.newPage();
  await page.goto("/machines");
  await createMachine(page, { name: HOSTILE });
  for (let i = 0; i < 55; i++) await createMachine(page, { name: `audit-search-bulk-${i}` });
  await context.close();
});

failOnPageErrors();
const screenshots = screenshotter(SCREENS);
test.use({ storageState: AUDITOR_STATE });

test("search with filters in the address: reload and a shared link show the same search", async ({ page }) => {
  await page.goto("/audit");
  await expect(results(page).first()).toBeVisible();
  await page.getByLabel("Search text").fill("audit-search-bulk*");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/[?&]q=audit-search-bulk/);
  await page.getByLabel("Event type").selectOption("machine.registered");
  await expect(page).toHaveURL(/type=machine.registered/);
  await expect(results(page)).toHaveCount(50);
  await expect(page.getByLabel("Event type")).toContainText("machine.registered (55)");

  await page.reload();
  await expect(page.getByLabel("Search text")).toHaveValue("audit-search-bulk*");
  await expect(page.getByLabel("Event type")).toHaveValue("machine.registered");
  await expect(results(page)).toHaveCount(50);

  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(results(other)).toHaveCount(50);
  await other.close();

  // Keyset paging: the rest, no repeats.
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(results(page)).toHaveCount(55);
  await expect(page.getByText("End of the results.")).toBeVisible();
  const seqs = await results(page).getByRole("link").allTextContents();
  expect(new Set(seqs).size).toBe(55);
  await expect(results(page).first().getByRole("link")).toHaveAttribute("href", /^\/audit\/\d+$/);

  // Exports carry the same search.
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /format=csv.*q=audit-search-bulk.*type=machine.registered/);
  await page.goBack();
  await expect(page).not.toHaveURL(/type=/);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "audit-search-filtered");
});

test("an empty result names its filters and removes them one by one", async ({ page }) => {
  await page.goto("/audit?q=no-such-word-anywhere&type=machine.registered");
  await expect(page.getByRole("heading", { name: "No entries match this search" })).toBeVisible();
  await screenshots(page, "audit-search-empty");
  await page.getByRole("button", { name: "Remove filter Text: no-such-word-anywhere" }).click();
  await expect(page).toHaveURL(/\/audit\?type=machine.registered$/);
  await expect(results(page).first()).toBeVisible();
});

test("machine-supplied HTML and script render as text", async ({ page }) => {
  await page.goto("/audit?q=search-target");
  const row = results(page).filter({ hasText: "search-target" }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText(`<img src=x onerror="window.__pwned=1">`);
  await expect(row.locator("img, script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshots(page, "audit-search-hostile-dark");
});
