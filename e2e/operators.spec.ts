import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { pageWithPasskeys } from "./helpers/authenticator";
import { hostInvitation } from "./helpers/host";
import { ADMIN_STATE, alertOn, anonymousContext, navLabels, registerFromLink, savePasskeys, signedInAs } from "./helpers/operators";

// One story, in order: the administrator invites an approver, who registers and signs in with
// a passkey of their own; then roles and status change under them.
test.describe.configure({ mode: "serial" });
test.use({ storageState: ADMIN_STATE });

let approverLink = "";

async function openOperator(page: Page, name: string): Promise<void> {
  await page.goto("/operators");
  await page.getByRole("button", { name: `Manage ${name}` }).click();
}

test("an administrator invites an approver and sees the link once", async ({ page }) => {
  await page.goto("/operators");
  const invite = page.getByRole("region", { name: "Invite an operator" });
  await invite.getByRole("checkbox", { name: /approver/ }).check();
  await invite.getByLabel("Name (optional)").fill("Bob Approver");
  await invite.getByLabel("Link expires after").selectOption({ label: "1 hour" });
  await invite.getByRole("button", { name: "Create invitation link" }).click();
  await expect(invite.getByRole("status").first()).toHaveText(/shown only once/);
  approverLink = await invite.getByLabel("Invitation link").inputValue();
  expect(approverLink).toMatch(/^http:\/\/localhost:\d+\/invite#token=[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("list", { name: "Pending invitations" })).toContainText("Bob Approver");

  await page.reload();
  await expect(page.getByLabel("Invitation link")).toHaveCount(0); // shown once, never again
});

test("the approver registers from the invitation and sees only what the role allows", async ({ browser }) => {
  const context = await anonymousContext(browser);
  const { page, authenticator } = await pageWithPasskeys(context);
  await registerFromLink(page, approverLink, "Bob Approver", "Bob's phone");
  await savePasskeys("approver", authenticator);

  expect(await navLabels(page)).toEqual(["Overview", "Machines", "Policies", "Approvals", "Audit"]);
  for (const path of ["/operators", "/settings"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
  }
  expect((await page.request.get("/api/operators")).status()).toBe(403);
  const post = await page.request.post("/api/invitations", { headers: { origin: new URL(page.url()).origin }, data: { roles: ["admin"], expiresInMinutes: 60 } });
  expect(post.status()).toBe(403);

  // The invitation worked once.
  const again = await (await anonymousContext(browser)).newPage();
  await again.goto(approverLink);
  await expect(alertOn(again)).toHaveText(/already used/);
  await context.close();
});

test("the approver signs in again later with their own passkey", async ({ browser }) => {
  const { context, page } = await signedInAs(browser, "approver");
  await expect(page.getByRole("banner")).toContainText("Bob Approver");
  await expect(page.getByRole("banner")).toContainText("approver");
  await context.close();
});

test("a role added applies at once; a role removed ends the operator's session", async ({ page, browser }) => {
  const bob = await signedInAs(browser, "approver");
  await openOperator(page, "Bob Approver");
  await page.getByRole("group", { name: "Roles of Bob Approver" }).getByRole("checkbox", { name: /auditor/ }).check();
  await page.getByRole("button", { name: "Save roles" }).click();
  await expect(page.getByRole("list", { name: "Operators" })).toContainText("approver, auditor");

  await bob.page.reload();
  expect(await navLabels(bob.page)).toEqual(["Overview", "Machines", "Policies", "Approvals", "Audit", "Operators", "Settings"]);
  await bob.page.goto("/operators");
  await expect(bob.page.getByRole("region", { name: "Invite an operator" })).toHaveCount(0); // auditors read, never change

  await page.getByRole("group", { name: "Roles of Bob Approver" }).getByRole("checkbox", { name: /auditor/ }).uncheck();
  await page.getByRole("button", { name: "Save roles" }).click();
  await expect(page.getByRole("list", { name: "Operators" })).not.toContainText("approver, auditor");
  await bob.page.reload();
  await expect(bob.page).toHaveURL(/\/sign-in\?reason=ended$/);
  await bob.context.close();
});

test("disabling an operator ends their session at once and blocks sign-in until enabled", async ({ page, browser }) => {
  const bob = await signedInAs(browser, "approver");
  await openOperator(page, "Bob Approver");
  await page.getByRole("button", { name: "Disable Bob Approver" }).click();
  const dialog = page.getByRole("dialog", { name: "Disable Bob Approver?" });
  await expect(dialog).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await dialog.getByRole("button", { name: "Disable operator" }).click();
  await expect(page.getByRole("list", { name: "Operators" })).toContainText("disabled");

  expect((await bob.page.request.get("/api/account")).status()).toBe(401);
  await bob.page.reload();
  await expect(bob.page).toHaveURL(/\/sign-in\?reason=ended$/);
  await bob.page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(alertOn(bob.page)).toHaveText(/disabled/);

  await page.getByRole("button", { name: "Enable Bob Approver" }).click();
  await page.getByRole("dialog", { name: "Enable Bob Approver?" }).getByRole("button", { name: "Enable" }).click();
  await expect(page.getByRole("list", { name: "Operators" })).not.toContainText("disabled");
  await bob.page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await bob.page.waitForURL((url) => url.pathname === "/");
  await savePasskeys("approver", bob.authenticator);
  await bob.context.close();
});

test("the last active administrator cannot demote or disable themselves", async ({ page }) => {
  await openOperator(page, "Ada Admin");
  const roles = page.getByRole("group", { name: "Roles of Ada Admin" });
  await roles.getByRole("checkbox", { name: /editor/ }).check();
  await roles.getByRole("checkbox", { name: /admin/ }).uncheck();
  await page.getByRole("button", { name: "Save roles" }).click();
  await expect(alertOn(page)).toHaveText(/last active administrator/);

  await page.getByRole("button", { name: "Disable Ada Admin" }).click();
  await page.getByRole("dialog", { name: "Disable Ada Admin?" }).getByRole("button", { name: "Disable operator" }).click();
  await expect(alertOn(page)).toHaveText(/last active administrator/);
  await page.reload();
  await expect(page.getByRole("list", { name: "Operators" }).getByRole("listitem").filter({ hasText: "Ada Admin" }).first()).toContainText("admin");
});

test("a revoked invitation stops working", async ({ page, browser }) => {
  await page.goto("/operators");
  const invite = page.getByRole("region", { name: "Invite an operator" });
  await invite.getByRole("checkbox", { name: /editor/ }).check();
  await invite.getByLabel("Name (optional)").fill("Carol Revoked");
  await invite.getByRole("button", { name: "Create invitation link" }).click();
  const link = await invite.getByLabel("Invitation link").inputValue();
  const pending = page.getByRole("list", { name: "Pending invitations" }).getByRole("listitem").filter({ hasText: "Carol Revoked" });
  await pending.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByRole("region", { name: "Pending invitations" })).not.toContainText("Carol Revoked");

  const visitor = await (await anonymousContext(browser)).newPage();
  await visitor.goto(link);
  await expect(alertOn(visitor)).toHaveText(/revoked/);
});

test("the host's break-glass invitation lets an editor in", async ({ browser }) => {
  const context = await anonymousContext(browser);
  const { page } = await pageWithPasskeys(context);
  await registerFromLink(page, hostInvitation(["editor"], "Eve Editor"), "Eve Editor");
  expect(await navLabels(page)).toEqual(["Overview", "Machines", "Policies", "Approvals", "Audit"]);
  await context.close();
});

test("teams: an administrator creates one and adds a member", async ({ page }) => {
  await page.goto("/operators");
  const teams = page.getByRole("region", { name: "Teams" });
  await teams.getByLabel("New team name").fill("payments-oncall");
  await teams.getByRole("button", { name: "Create team" }).click();
  await teams.getByLabel("Add to payments-oncall").selectOption({ label: "Bob Approver" });
  await teams.getByRole("button", { name: "Add" }).click();
  await expect(teams.getByRole("list", { name: "Members of payments-oncall" })).toContainText("Bob Approver");
  await expect(page.getByRole("list", { name: "Operators" })).toContainText("teams: payments-oncall");
});
