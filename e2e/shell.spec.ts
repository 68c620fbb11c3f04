import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { hostInvitation } from "./helpers/host";
import { ADMIN_STATE, anonymousContext } from "./helpers/operators";

// The Console pages as the first administrator (signed in by e2e/global.setup.ts).
test.use({ storageState: ADMIN_STATE });

const PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/machines", heading: "Machines" },
  { path: "/policies", heading: "Policies" },
  { path: "/approvals", heading: "Approvals" },
  { path: "/audit", heading: "Audit" },
  { path: "/operators", heading: "Operators" },
  { path: "/settings", heading: "Settings" },
];

/** Loads a page and fails on console errors or serious accessibility violations. */
async function expectCleanPage(page: Page, path: string, heading: string, status = 200): Promise<void> {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  const response = await page.goto(path);
  expect(response?.status()).toBe(status);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
}

for (const { path, heading } of PAGES) {
  test(`${heading} page loads without console errors or serious accessibility violations`, async ({ page }) => {
    await expectCleanPage(page, path, heading);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: heading })).toHaveAttribute("aria-current", "page");
  });
}

test("the account page loads without console errors or serious accessibility violations", async ({ page }) => {
  await expectCleanPage(page, "/account", "Your account");
  await expect(page.getByRole("list", { name: "Your passkeys" })).toBeVisible();
});

test("the operators page with an operator's panel open has no serious accessibility violations", async ({ page }) => {
  await page.goto("/operators");
  await page.getByRole("button", { name: "Manage Ada Admin" }).click();
  await expect(page.getByRole("group", { name: "Roles of Ada Admin" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test.describe("pages for people who are not signed in", () => {
  test("sign-in", async ({ browser }) => {
    const page = await (await anonymousContext(browser)).newPage();
    await expectCleanPage(page, "/sign-in", "Sign in");
  });

  test("first administrator setup (without a link: it explains what is missing)", async ({ browser }) => {
    const page = await (await anonymousContext(browser)).newPage();
    await expectCleanPage(page, "/setup", "Set up the first administrator");
    await expect(page.getByText(/needs the full setup link/)).toBeVisible();
  });

  test("invitation (with a valid link: the registration form)", async ({ browser }) => {
    const page = await (await anonymousContext(browser)).newPage();
    await expectCleanPage(page, hostInvitation(["auditor"], "Axe Auditor"), "Accept your invitation");
    await expect(page.getByLabel("Your name")).toHaveValue("Axe Auditor");
  });
});

test("the sidebar is keyboard reachable and navigates", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Machines" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/machines$/);
  await expect(page.getByRole("heading", { level: 1, name: "Machines" })).toBeVisible();
});

test("dark theme follows the system setting", async ({ browser }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    const context = await browser.newContext({ colorScheme, storageState: ADMIN_STATE });
    const page = await context.newPage();
    await page.goto("/settings");
    // Tailwind 4 colours are oklch(); a canvas converts whatever the browser computed to RGB.
    const luminance = await page.evaluate(() => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
      ctx.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0] = ctx.getImageData(0, 0, 1, 1).data;
      return (r + g + b) / 3;
    });
    if (colorScheme === "dark") expect(luminance).toBeLessThan(60);
    else expect(luminance).toBeGreaterThan(200);
    await context.close();
  }
});

test("the settings page shows the configuration the server runs with", async ({ page }) => {
  await page.goto("/settings");
  await expect(page.getByText(process.env.PTERI_E2E_DATA_DIR!, { exact: true })).toBeVisible();
});

test("health answers 200 with the version and a current database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: { reachable: true, migrationsCurrent: true } });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});

test("an unknown page answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("link", { name: "Back to the overview" })).toBeVisible();
});
