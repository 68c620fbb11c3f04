import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

const PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/machines", heading: "Machines" },
  { path: "/policies", heading: "Policies" },
  { path: "/approvals", heading: "Approvals" },
  { path: "/audit", heading: "Audit" },
  { path: "/operators", heading: "Operators" },
  { path: "/settings", heading: "Settings" },
];

for (const { path, heading } of PAGES) {
  test(`${heading} page loads without console errors or serious accessibility violations`, async ({ page }) => {
    const errors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));

    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: heading })).toHaveAttribute("aria-current", "page");

    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

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
    const context = await browser.newContext({ colorScheme });
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
