import { expect, test } from "@playwright/test";
import { addVirtualAuthenticator } from "./helpers/authenticator";
import { loadPasskeys, savePasskeys, signedInAs, signIn, signOut } from "./helpers/operators";

test("an operator adds a second passkey, renames it, signs in with it, removes it, and cannot remove their last one", async ({ browser }) => {
  const { context, page, authenticator } = await signedInAs(browser, "admin");
  await page.goto("/account");
  const list = page.getByRole("list", { name: "Your passkeys" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Remove Ada's laptop" })).toBeDisabled();

  // A second device: a new authenticator (the first one would refuse to register twice).
  await authenticator.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: authenticator.authenticatorId });
  const second = await addVirtualAuthenticator(page);
  await page.getByLabel("New passkey name").fill("Backup key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: 'Passkey "Backup key" added.' })).toBeVisible();
  await expect(list.getByRole("listitem")).toHaveCount(2);

  await page.getByRole("button", { name: "Rename Backup key" }).click();
  await page.getByLabel("New name for Backup key").fill("Spare key");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(list).toContainText("Spare key");

  // The new passkey signs in on its own: it is the only one in this browser now.
  await signOut(page);
  await signIn(page);
  await page.goto("/account");
  await expect(list.getByRole("listitem").filter({ hasText: "Spare key" })).not.toContainText("last used never");

  // Back on the first device, remove the spare passkey; the first one is the last again.
  await signOut(page);
  await second.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: second.authenticatorId });
  const first = await addVirtualAuthenticator(page);
  for (const credential of loadPasskeys("admin")) await first.add(credential);
  await signIn(page);
  await savePasskeys("admin", first);
  await page.goto("/account");
  await page.getByRole("button", { name: "Remove Spare key" }).click();
  await page.getByRole("dialog", { name: 'Remove the passkey "Spare key"?' }).getByRole("button", { name: "Remove passkey" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Remove Ada's laptop" })).toBeDisabled();
  await context.close();
});
