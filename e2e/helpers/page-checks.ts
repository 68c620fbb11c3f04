/**
 * Checks shared by the Console's page specs: no console errors on any test's page, no serious
 * accessibility violations, and screenshots of a view in light and dark for people to look at.
 */
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { collectPageErrors } from "./machines";

/** Fails every test of the spec whose page logged a console error or threw (see collectPageErrors). */
export function failOnPageErrors(): void {
  let pageErrors: () => string[] = () => [];
  test.beforeEach(({ page }) => {
    pageErrors = collectPageErrors(page);
  });
  test.afterEach(() => {
    expect(pageErrors(), "console errors on the page").toEqual([]);
  });
}

/** `screenshots(page, name)`: the same view in light and dark, saved in `dir` as NAME-light.png and NAME-dark.png. */
export function screenshotter(dir: string): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(dir, `${name}-${scheme}.png`), fullPage: true, animations: "disabled" });
    }
    await page.emulateMedia({ colorScheme: "light" });
  };
}

/** No serious or critical axe violations on the page (or inside the `include` selector). */
export async function expectNoSeriousA11yViolations(page: Page, include?: string): Promise<void> {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const violations = (await axe.analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}
