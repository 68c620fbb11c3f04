/**
 * Approvals in end-to-end tests: approvers (the approver role only) whose passkeys are saved so
 * each can sign in, and decide, in a browser context of their own; a machine enrolled with the
 * real CLI; a policy published through the Console's API; intents submitted with the SDK.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { buildIntent, submitIntent, type IntentAnswer } from "../../lib/sdk/node";
import { pageWithPasskeys } from "./authenticator";
import { admin, hostInvitation } from "./host";
import { collectPageErrors, pteri } from "./machines";
import { loadPasskeys, registerFromLink, savePasskeys, signedInAs } from "./operators";

export const APPROVERS = {
  a: { who: "approvals-approver-a", name: "Ava Approver" },
  b: { who: "approvals-approver-b", name: "Ben Approver" },
} as const;

/** Registers both approvers from host invitations, once per run. */
export async function ensureApprovers(browser: Browser): Promise<void> {
  for (const { who, name } of Object.values(APPROVERS)) {
    try {
      loadPasskeys(who);
      continue;
    } catch {
      // Not registered yet in this run.
    }
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const { page, authenticator } = await pageWithPasskeys(context);
    await registerFromLink(page, hostInvitation(["approver"], name), name, `${name}'s security key`);
    await savePasskeys(who, authenticator);
    await context.close();
  }
}

/** A machine enrolled with a host ticket and `pteri enroll`; returns its private key (PKCS#8 PEM). */
export async function enrollMachine(profile: { name: string; tags: string[]; owner?: string; environment?: string }): Promise<string> {
  const args = ["enrollment-ticket", "--name", profile.name, ...profile.tags.flatMap((t) => ["--tag", t]), "--no-confirm", "--json"];
  if (profile.owner) args.push("--owner", profile.owner);
  if (profile.environment) args.push("--environment", profile.environment);
  const { ticket } = JSON.parse(admin(args)) as { ticket: string };
  const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-approvals-")), `${profile.name}.pem`);
  const enrolled = await pteri(["enroll", "--server", baseURL, "--ticket", ticket, "--out", keyFile, "--json"]);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  return fs.readFileSync(keyFile, "utf8");
}

/** Creates and publishes a policy with the page's session (an editor or admin), as the Console's own fetch does. */
export async function publishPolicy(page: Page, document: { name: string } & Record<string, unknown>): Promise<string> {
  const headers = { origin: baseURL };
  const created = await page.request.post("/api/policies", { headers, data: { name: document.name } });
  expect(created.status(), await created.text()).toBe(201);
  const { policy } = (await created.json()) as { policy: { id: string } };
  const published = await page.request.post(`/api/policies/${policy.id}/publish`, { headers, data: { note: "e2e approvals", document: { format: "pteri.policy/v1", ...document } } });
  expect(published.status(), await published.text()).toBe(201);
  return policy.id;
}

/** The machine submits an intent with the SDK (signed with its key); the server's answer. */
export async function submit(key: string, intent: { action: string; resource: string; params: Record<string, unknown>; audience: string; path: string; body: string }): Promise<IntentAnswer> {
  const doc = buildIntent({
    action: intent.action,
    resource: intent.resource,
    params: intent.params,
    audience: intent.audience,
    execute: { method: "POST", url: `${intent.audience}${intent.path}`, body: intent.body },
  });
  const { intent: answer } = await submitIntent({ server: baseURL, key, intent: doc });
  return answer;
}

/** An approver's own browser context (their passkey in its virtual authenticator), on the Approvals page. */
export async function approverPage(browser: Browser, who: string) {
  const session = await signedInAs(browser, who, "/approvals");
  const errors = collectPageErrors(session.page);
  // An alert() would mean machine-supplied markup ran.
  session.page.on("dialog", (d) => {
    errors().push(`a JavaScript dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  // Signing a decision moves the passkey's signature counter on: saved, so the next sign-in as
  // this approver is not refused as a cloned authenticator.
  const close = async () => {
    await savePasskeys(who, session.authenticator);
    await session.context.close();
  };
  return { ...session, errors, close };
}

/** Opens the Approve or Reject dialog on a queue card, gives the reason and signs with the passkey. */
export async function decide(page: Page, item: Locator, decision: "Approve" | "Reject", reason: string): Promise<Locator> {
  await item.getByRole("button", { name: `${decision}…` }).click();
  const dialog = page.getByRole("dialog", { name: new RegExp(`^${decision} `) });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Reason (required)")).toBeFocused();
  await dialog.getByLabel("Reason (required)").fill(reason);
  await dialog.getByRole("button", { name: `${decision} with passkey` }).click();
  return dialog;
}
