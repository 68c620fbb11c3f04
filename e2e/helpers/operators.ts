/**
 * Operator journeys used by several specs: register from a link, sign in, sign out. Each
 * operator's passkey is saved (test-only) so later tests can sign in as them again.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { pageWithPasskeys, type VirtualAuthenticator, type VirtualCredential } from "./authenticator";

const STATE_DIR = path.join(process.env.PTERI_E2E_DATA_DIR ?? "/tmp", "e2e-state");
export const ADMIN_STATE = path.join(STATE_DIR, "admin.storage.json");

function credentialFile(who: string): string {
  return path.join(STATE_DIR, `${who}.passkey.json`);
}

export function saveState(name: string, value: string): void {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(path.join(STATE_DIR, name), value);
}

export function loadState(name: string): string {
  return fs.readFileSync(path.join(STATE_DIR, name), "utf8");
}

export async function savePasskeys(who: string, authenticator: VirtualAuthenticator): Promise<void> {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(credentialFile(who), JSON.stringify(await authenticator.credentials()));
}

export function loadPasskeys(who: string): VirtualCredential[] {
  return JSON.parse(fs.readFileSync(credentialFile(who), "utf8")) as VirtualCredential[];
}

/** Opens a setup or invitation link, creates the passkey and lands signed in on the overview. */
export async function registerFromLink(page: Page, link: string, name: string, passkeyName = "Test passkey"): Promise<void> {
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Name this passkey").fill(passkeyName);
  await page.getByRole("button", { name: "Create passkey and sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByRole("banner").getByText(name, { exact: true })).toBeVisible();
}

export async function signIn(page: Page, callbackPath = "/"): Promise<void> {
  await page.goto(callbackPath === "/" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await page.waitForURL((url) => url.pathname === callbackPath);
}

/** A browser context with no session, whatever storage state the spec uses by default. */
export function anonymousContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ storageState: { cookies: [], origins: [] } });
}

/** Error messages on the page (Next.js's empty route announcer is also role=alert; skip it). */
export function alertOn(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/** The labels of the main navigation, in order. */
export async function navLabels(page: Page): Promise<string[]> {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
}

/**
 * A new browser context signed in as `who` (whose passkey was saved earlier), with a session of
 * its own: signing it out or ending it does not affect other tests.
 */
export async function signedInAs(browser: Browser, who: string, callbackPath = "/") {
  const context = await anonymousContext(browser);
  const { page, authenticator } = await pageWithPasskeys(context, loadPasskeys(who));
  await signIn(page, callbackPath);
  await savePasskeys(who, authenticator); // the signature counter moved on
  return { context, page, authenticator };
}
