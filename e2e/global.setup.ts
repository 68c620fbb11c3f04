import { test as setup } from "@playwright/test";
import { pageWithPasskeys } from "./helpers/authenticator";
import { setupLink } from "./helpers/host";
import { ADMIN_STATE, registerFromLink, savePasskeys, saveState } from "./helpers/operators";

// Runs before every other spec (a Playwright project dependency): the first administrator
// registers from a setup link, as a new installation's owner would, and the signed-in state is
// saved for the specs that act as that administrator.
setup("the first administrator registers a passkey from the setup link", async ({ browser }) => {
  const context = await browser.newContext();
  const { page, authenticator } = await pageWithPasskeys(context);
  const link = setupLink();
  await registerFromLink(page, link, "Ada Admin", "Ada's laptop");
  saveState("setup-link", link); // to show later that it works only once
  await savePasskeys("admin", authenticator);
  await context.storageState({ path: ADMIN_STATE });
  await context.close();
});
