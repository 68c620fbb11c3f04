// Machines in the browser: enrollment with the real `pteri` CLI (ticket, fingerprint
// comparison, confirmation), revocation refusing the CLI's next request, registering an
// existing key, lifecycle with reasons, the inventory's search/filter/sort/paging kept in the
// address, and what an operator without the editor role sees.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AUDITOR_STATE, collectPageErrors, createMachine, EDITOR_NAME, EDITOR_STATE, ensureMachineOperators, newKey, pteri } from "./helpers/machines";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });

const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-machines-screens");
const keysDir = path.join(process.env.PTERI_E2E_DATA_DIR ?? os.tmpdir(), "e2e-machine-keys");

test.beforeAll(async ({ browser }) => {
  await ensureMachineOperators(browser);
  fs.mkdirSync(SCREENS, { recursive: true });
  fs.mkdirSync(keysDir, { recursive: true });
});

failOnPageErrors();
const screenshots = screenshotter(SCREENS);

function rows(page: Page): Locator {
  return page.getByRole("table", { name: "Machines" }).locator("tbody tr");
}

function summary(page: Page): Locator {
  return page.locator("#inventory-summary");
}

async function openEnrollDialog(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Enroll machine" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Enroll a machine" });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function createTicket(dialog: Locator, name: string): Promise<{ server: string; ticket: string }> {
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("button", { name: "Create enrollment ticket" }).click();
  await expect(dialog.getByText("Waiting for the machine…")).toBeVisible();
  const command = (await dialog.getByLabel("Command to run on the machine").innerText()).trim();
  const match = /^npx pteri enroll --server (\S+) --ticket (pteri_et_[A-Za-z0-9_-]{43})$/.exec(command);
  expect(match, command).not.toBeNull();
  return { server: match![1]!, ticket: match![2]! };
}

test("an empty inventory says so and offers enrollment to editors", async ({ page }) => {
  // Each run has a fresh data directory and specs run one at a time in file order: no spec
  // before this one enrolls a machine (signed-intents and signed-requests run after it).
  const total = ((await (await page.request.get("/api/machines")).json()) as { total: number }).total;
  expect(total, "a spec that runs before machines.spec enrolled machines; this test needs the empty inventory").toBe(0);
  await page.goto("/machines");
  const empty = page.getByRole("region", { name: "No machines enrolled" });
  await expect(empty).toBeVisible();
  await expect(empty.getByRole("button", { name: "Enroll machine" })).toBeVisible();
  await expect(empty.getByRole("button", { name: "Register existing key" })).toBeVisible();
  await screenshots(page, "inventory-empty");
});

test("an editor enrolls a machine with the real CLI, compares fingerprints, confirms, then revokes it", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await page.goto("/machines");
  const dialog = await openEnrollDialog(page);
  await expect(dialog.getByLabel("Name", { exact: true })).toBeFocused();
  // None by default; confirmation required by default; 15 minutes by default.
  for (const checkbox of await dialog.getByRole("group", { name: /Permissions on PTERI/ }).getByRole("checkbox").all()) await expect(checkbox).not.toBeChecked();
  await expect(dialog.getByRole("checkbox", { name: /Require fingerprint confirmation/ })).toBeChecked();
  await expect(dialog.getByLabel("Ticket expires after")).toHaveValue("15");

  await dialog.getByLabel("Description (optional)").fill("Nightly invoice batch");
  await dialog.getByLabel("Tags", { exact: true }).fill("payments, batch");
  await expect(dialog.getByRole("list", { name: "Tags to apply" }).getByRole("listitem")).toHaveText(["payments", "batch"]);
  await dialog.getByLabel("Owner (optional)").fill("payments-team");
  await dialog.getByLabel("Environment (optional)").fill("production");
  await expectNoSeriousA11yViolations(page);
  const { server, ticket } = await createTicket(dialog, "billing-worker-1");
  expect(server).toBe(baseURL);
  await expect(dialog.getByRole("button", { name: "Copy command" })).toBeVisible();
  await screenshots(page, "enroll-waiting");

  // The machine runs the command it was given (with --json, and its key written to a file).
  const keyFile = path.join(keysDir, "billing-worker-1.pem");
  const enrolled = await pteri(["enroll", "--server", server, "--ticket", ticket, "--out", keyFile, "--json"]);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const cli = JSON.parse(enrolled.stdout) as { machineId: string; keyId: string; fingerprint: string; status: string; confirmationRequired: boolean };
  expect(cli).toMatchObject({ status: "pending", confirmationRequired: true, fingerprint: expect.stringMatching(/^SHA256:/) });
  expect(fs.existsSync(keyFile)).toBe(true);

  // The dialog noticed by itself and shows the very fingerprint the CLI printed.
  await expect(dialog.getByTestId("enroll-fingerprint")).toHaveText(cli.fingerprint, { timeout: 15_000 });
  await expect(dialog.getByText("Compare with what pteri enroll printed on the machine.")).toBeVisible();
  await screenshots(page, "enroll-fingerprint");

  // Pending: its key cannot sign yet.
  const whoami = `${baseURL}/api/v1/whoami`;
  const early = await pteri(["request", "--key", keyFile, whoami]);
  expect(early.code).toBe(22);
  expect(`${early.stdout}${early.stderr}`).toContain("key_pending");

  await dialog.getByRole("button", { name: "Fingerprints match — activate" }).click();
  await expect(dialog.getByText("Fingerprints match: billing-worker-1 is active and can sign requests.")).toBeVisible();

  const answer = await pteri(["request", "--key", keyFile, whoami]);
  expect(answer.code, answer.stderr).toBe(0);
  expect(JSON.parse(answer.stdout)).toMatchObject({ machine: { id: cli.machineId, keyId: cli.keyId, status: "active", tags: ["payments", "batch"] } });

  // The machine's page: identity, details, activity.
  await dialog.getByRole("link", { name: "Open the machine's page" }).click();
  await expect(page).toHaveURL(new RegExp(`/machines/${cli.machineId}$`));
  await expect(page.getByRole("heading", { level: 1, name: "billing-worker-1" })).toBeVisible();
  const identity = page.getByRole("region", { name: "Identity" });
  await expect(identity).toContainText(cli.fingerprint);
  await expect(identity).toContainText(cli.keyId);
  await expect(identity.getByLabel("Public key (JWK)", { exact: true })).toContainText('"crv": "Ed25519"');
  await expect(page.getByRole("region", { name: "Status" })).toContainText("Active");
  const details = page.getByRole("region", { name: "Details" });
  await expect(details).toContainText(EDITOR_NAME);
  await expect(details).toContainText("payments-team");
  await expect(details).toContainText("production");
  await expect(page.getByRole("region", { name: "Machine permissions" }).getByRole("checkbox")).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Policies" })).toContainText("No published policy targets this machine");
  const activity = page.getByRole("table", { name: "Recent activity" });
  await expect(activity).toContainText("machine.enrolled");
  await expect(activity).toContainText("machine.confirmed");
  const seqs = (await activity.locator("tbody tr td:first-child").allInnerTexts()).map(Number);
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a)); // newest first
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "detail-active");

  // Revoke, with a reason; permanent.
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  const revoke = page.getByRole("dialog", { name: "Revoke billing-worker-1?" });
  await expect(revoke).toContainText("This is permanent.");
  await expect(revoke.getByLabel("Reason")).toBeFocused();
  await expect(revoke.getByRole("button", { name: "Revoke machine permanently" })).toBeDisabled();
  await revoke.getByLabel("Reason").fill("decommissioned in the e2e test");
  await screenshots(page, "revoke-dialog");
  await revoke.getByRole("button", { name: "Revoke machine permanently" }).click();
  await expect(revoke).toBeHidden();
  await expect(page.getByText("billing-worker-1 revoked. Its key is refused from now on.")).toBeVisible();
  await expect(page.getByText("Revoked: kept for the audit trail; cannot be deleted or reactivated.")).toBeVisible();
  await expect(page.getByText("Reason: decommissioned in the e2e test")).toBeVisible();
  for (const name of ["Revoke", "Suspend", "Resume", "Confirm"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Recent activity" })).toContainText("machine.revoked");
  await screenshots(page, "detail-revoked");

  // The CLI's next signed request is refused.
  const refused = await pteri(["request", "--key", keyFile, whoami]);
  expect(refused.code).toBe(22);
  expect(`${refused.stdout}${refused.stderr}`).toContain("key_revoked");
});

test("a ticket without confirmation activates the machine at once, with the permissions it granted", async ({ page }) => {
  await page.goto("/machines");
  const dialog = await openEnrollDialog(page);
  await dialog.getByRole("checkbox", { name: /Require fingerprint confirmation/ }).uncheck();
  await dialog.getByRole("checkbox", { name: /machines\.enroll/ }).check();
  await dialog.getByLabel("Ticket expires after").selectOption({ label: "5 minutes" });
  const { server, ticket } = await createTicket(dialog, "provisioner-1");
  const enrolled = await pteri(["enroll", "--server", server, "--ticket", ticket, "--out", path.join(keysDir, "provisioner-1.pem"), "--json"]);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const cli = JSON.parse(enrolled.stdout) as { fingerprint: string; status: string; confirmationRequired: boolean };
  expect(cli).toMatchObject({ status: "active", confirmationRequired: false });
  await expect(dialog.getByTestId("enroll-fingerprint")).toHaveText(cli.fingerprint, { timeout: 15_000 });
  await expect(dialog.getByText("provisioner-1 is active (this ticket did not require confirmation).")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Fingerprints match — activate" })).toHaveCount(0);
  await dialog.getByRole("link", { name: "Open the machine's page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "provisioner-1" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Machine permissions" }).getByRole("checkbox", { name: /machines\.enroll/ })).toBeChecked();
});

test("closing the dialog before the machine arrives warns that the ticket stays valid", async ({ page, baseURL }) => {
  await page.goto("/machines");
  let dialog = await openEnrollDialog(page);
  const kept = await createTicket(dialog, "left-open");
  await page.keyboard.press("Escape");
  await expect(dialog.getByRole("heading", { name: "The ticket stays valid until it expires" })).toBeVisible();
  await dialog.getByRole("button", { name: "Keep waiting" }).click();
  await expect(dialog.getByText("Waiting for the machine…")).toBeVisible();
  await dialog.getByRole("button", { name: "Close", exact: true }).last().click();
  await dialog.getByRole("button", { name: "Keep the ticket and close" }).click();
  await expect(dialog).toBeHidden();

  // It is listed with the open tickets, and can be revoked from there.
  const tickets = page.getByRole("list", { name: "Open enrollment tickets" });
  await expect(tickets).toContainText("left-open");
  await tickets.getByRole("button", { name: "Revoke ticket for left-open" }).click();
  await page.getByRole("dialog", { name: 'Revoke the enrollment ticket for "left-open"?' }).getByRole("button", { name: "Revoke ticket" }).click();
  await expect(page.getByRole("list", { name: "Open enrollment tickets" })).toHaveCount(0);
  const late = await pteri(["enroll", "--server", kept.server, "--ticket", kept.ticket, "--out", path.join(keysDir, "left-open.pem"), "--json"]);
  expect(late.code).toBe(1);
  expect(`${late.stdout}${late.stderr}`).toContain("ticket_invalid");

  // Or revoked right from the warning.
  dialog = await openEnrollDialog(page);
  const revoked = await createTicket(dialog, "revoked-at-close");
  await page.keyboard.press("Escape");
  await dialog.getByRole("button", { name: "Revoke the ticket and close" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("list", { name: "Open enrollment tickets" })).toHaveCount(0);
  const tooLate = await pteri(["enroll", "--server", baseURL!, "--ticket", revoked.ticket, "--out", path.join(keysDir, "revoked-at-close.pem")]);
  expect(tooLate.code).toBe(1);
  expect(tooLate.stderr).toContain("ticket_invalid");
});

test("registering an existing key: bad keys are refused next to the field, input kept; the first signed request activates", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await page.goto("/machines");
  await page.getByRole("button", { name: "Register existing key" }).first().click();
  let dialog = page.getByRole("dialog", { name: "Register an existing public key" });
  await expect(dialog).toContainText("first correctly signed request");
  await expect(dialog.getByLabel("Name", { exact: true })).toBeFocused();
  await dialog.getByLabel("Name", { exact: true }).fill("hsm-signer");
  await dialog.getByLabel("Tags", { exact: true }).fill("hsm");
  await dialog.getByLabel("Environment (optional)").fill("staging");
  const keyField = dialog.getByLabel("Public key");

  const bad = '{"kty":"OKP","crv":"Ed25519","x":"AAAA"}';
  await keyField.fill(bad);
  await dialog.getByRole("button", { name: "Register machine" }).click();
  await expect(dialog.getByRole("alert")).toContainText("not usable");
  await expect(keyField).toHaveAttribute("aria-invalid", "true");
  await expect(keyField).toHaveValue(bad);
  await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("hsm-signer");
  await screenshots(page, "register-key-error");

  // A private key is never sent.
  const key = newKey();
  await keyField.fill(key.privatePem);
  await dialog.getByRole("button", { name: "Register machine" }).click();
  await expect(dialog.getByRole("alert")).toContainText("looks like a private key");

  await keyField.fill(key.publicPem);
  await dialog.getByRole("button", { name: "Register machine" }).click();
  await expect(dialog.getByText(/Registered hsm-signer\./)).toBeVisible();
  await expect(dialog).toContainText("Pending");
  await dialog.getByRole("button", { name: "Done" }).click();

  // The same key again: refused, next to the key field.
  await page.getByRole("button", { name: "Register existing key" }).first().click();
  dialog = page.getByRole("dialog", { name: "Register an existing public key" });
  await dialog.getByLabel("Name", { exact: true }).fill("hsm-signer-copy");
  await dialog.getByLabel("Public key").fill(JSON.stringify(key.publicJwk));
  await dialog.getByRole("button", { name: "Register machine" }).click();
  await expect(dialog.getByRole("alert")).toContainText("already enrolled");
  await expect(dialog.getByLabel("Public key")).toHaveValue(JSON.stringify(key.publicJwk));
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Its first correctly signed request proves possession: active.
  const keyFile = path.join(keysDir, "hsm-signer.pem");
  fs.writeFileSync(keyFile, key.privatePem, { mode: 0o600 });
  const whoami = `${baseURL}/api/v1/whoami`;
  const first = await pteri(["request", "--key", keyFile, whoami]);
  expect(first.code, first.stderr).toBe(0);

  await page.getByRole("searchbox", { name: "Search" }).fill("hsm-signer");
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("Active");
  await rows(page).first().getByRole("link", { name: "hsm-signer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "hsm-signer" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent activity" })).toContainText("machine.activated");

  // Permissions: none by default; granted and saved.
  const permissions = page.getByRole("region", { name: "Machine permissions" });
  await expect(permissions.getByRole("button", { name: "Save permissions" })).toBeDisabled();
  await permissions.getByRole("checkbox", { name: /audit\.read/ }).check();
  await permissions.getByRole("button", { name: "Save permissions" }).click();
  await expect(page.getByText("Permissions of hsm-signer saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("region", { name: "Machine permissions" }).getByRole("checkbox", { name: /audit\.read/ })).toBeChecked();

  // Suspend (reason required), refused while suspended, then resume.
  await page.getByRole("button", { name: "Suspend", exact: true }).click();
  const suspend = page.getByRole("dialog", { name: "Suspend hsm-signer?" });
  await suspend.getByLabel("Reason").fill("key store maintenance");
  await suspend.getByRole("button", { name: "Suspend machine" }).click();
  await expect(page.getByText("hsm-signer suspended.")).toBeVisible();
  const status = page.getByRole("region", { name: "Status" });
  await expect(status).toContainText("Suspended");
  await expect(status).toContainText("key store maintenance");
  const suspended = await pteri(["request", "--key", keyFile, whoami]);
  expect(suspended.code).toBe(22);
  expect(`${suspended.stdout}${suspended.stderr}`).toContain("key_suspended");

  await page.getByRole("button", { name: "Resume", exact: true }).click();
  const resume = page.getByRole("dialog", { name: "Resume hsm-signer?" });
  await resume.getByLabel("Reason").fill("maintenance over");
  await resume.getByRole("button", { name: "Resume machine" }).click();
  await expect(page.getByText("hsm-signer resumed: it is active.")).toBeVisible();
  await expect(status).toContainText("Active");
  expect((await pteri(["request", "--key", keyFile, whoami])).code).toBe(0);
});

test("the inventory searches, filters, sorts and pages on the server, with its state in the address", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/machines");
  const fleet = [
    { name: "inv-alpha", environment: "staging", tags: ["web"], owner: "team-a" },
    { name: "inv-bravo", environment: "production", tags: ["web", "eu"], owner: "team-b" },
    { name: "inv-charlie", environment: "staging", tags: ["batch"], owner: "team-a" },
    { name: "inv-delta", environment: "production", tags: ["batch", "eu"], owner: "team-c" },
    { name: "inv-echo", environment: "production", tags: ["web"], owner: "team-c", description: "Edge cache purger" },
  ];
  for (const machine of fleet) await createMachine(page, machine);
  for (let i = 0; i < 52; i++) await createMachine(page, { name: `bulk-${String(i).padStart(2, "0")}`, environment: "load", tags: ["bulk"] });

  await page.reload();
  const search = page.getByRole("searchbox", { name: "Search" });
  await search.fill("inv-");
  await expect(page).toHaveURL(/\/machines\?q=inv-$/);
  await expect(rows(page)).toHaveCount(5);
  await expect(summary(page)).toContainText("1–5 of 5");
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  await expect(rows(page).first()).toContainText("inv-alpha");
  await expect(rows(page).first()).toContainText("Pending"); // registered keys wait for proof
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "inventory");

  // Search also matches descriptions.
  await search.fill("cache purger");
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("inv-echo");
  await search.fill("inv-");
  await expect(rows(page)).toHaveCount(5);

  // Filters from the facets.
  await page.getByLabel("Environment", { exact: true }).selectOption("production");
  await expect(page).toHaveURL(/environment=production/);
  await expect(rows(page)).toHaveCount(3);
  await page.getByLabel("Tag", { exact: true }).selectOption("eu");
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(0)).toContainText("inv-bravo");
  await expect(rows(page).nth(1)).toContainText("inv-delta");
  await page.getByLabel("Status", { exact: true }).selectOption("active");
  await expect(page.getByRole("region", { name: "No machines match" })).toBeVisible();
  await page.getByRole("region", { name: "No machines match" }).getByRole("button", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/machines$/);
  await expect(search).toHaveValue("");

  // Sorting, by clicking the column headers; each step is a history entry.
  await search.fill("inv-");
  await expect(rows(page)).toHaveCount(5);
  await page.getByRole("button", { name: "Name", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
  await expect(page).toHaveURL(/sort=name&order=desc/);
  await expect(rows(page).first()).toContainText("inv-echo");
  await page.getByRole("button", { name: "Environment", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: "Environment" })).toHaveAttribute("aria-sort", "ascending");
  await expect(page.getByRole("columnheader", { name: "Name" })).not.toHaveAttribute("aria-sort", /.+/);
  await expect(rows(page).first()).toContainText("production");
  await page.getByRole("button", { name: "Created", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: "Created" })).toHaveAttribute("aria-sort", "descending");
  await expect(rows(page).first()).toContainText("inv-echo");
  await page.goBack();
  await expect(page.getByRole("columnheader", { name: "Environment" })).toHaveAttribute("aria-sort", "ascending");
  await page.goBack();
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
  await expect(rows(page).first()).toContainText("inv-echo");
  await page.goForward();
  await expect(page.getByRole("columnheader", { name: "Environment" })).toHaveAttribute("aria-sort", "ascending");

  // Paging: 50 a page, on the server; the page is in the address, so a link or a reload keeps it.
  await search.fill("bulk-");
  await expect(summary(page)).toContainText("1–50 of 52");
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByRole("button", { name: "Previous" })).toBeDisabled();
  await page.getByRole("button", { name: "Name", exact: true }).click(); // from environment order to name, A-Z
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(summary(page)).toContainText("51–52 of 52");
  await expect(rows(page)).toHaveText([/bulk-50/, /bulk-51/]);
  await expect(page.getByRole("button", { name: "Next" })).toBeDisabled();
  await page.reload();
  await expect(summary(page)).toContainText("51–52 of 52");
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("bulk-");
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(summary(page)).toContainText("1–50 of 52");

  // Nothing found.
  await search.fill("no-such-machine-anywhere");
  await expect(page.getByRole("region", { name: "No machines match" })).toBeVisible();
  await screenshots(page, "inventory-no-results");
});

test("an operator without machines.write (an auditor) sees machines but no way to change them", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ storageState: AUDITOR_STATE });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto("/machines");
  await expect(page.getByRole("heading", { level: 1, name: "Machines" })).toBeVisible();
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Enroll machine" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Register existing key" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Open enrollment tickets" })).toHaveCount(0);

  await page.getByRole("searchbox", { name: "Search" }).fill("hsm-signer");
  await expect(rows(page)).toHaveCount(1);
  await rows(page).first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: "hsm-signer" })).toBeVisible();
  for (const name of ["Revoke", "Suspend", "Resume", "Confirm"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  const permissions = page.getByRole("region", { name: "Machine permissions" });
  await expect(permissions.getByRole("checkbox")).toHaveCount(0);
  await expect(permissions).toContainText("audit.read");
  const id = page.url().split("/").pop()!;

  // The server refuses what the page does not offer.
  const origin = { origin: baseURL! };
  expect((await page.request.post("/api/machines", { headers: origin, data: { name: "nope", publicKey: JSON.stringify(newKey().publicJwk) } })).status()).toBe(403);
  expect((await page.request.post("/api/enrollment-tickets", { headers: origin, data: { name: "nope" } })).status()).toBe(403);
  expect((await page.request.post(`/api/machines/${id}/revoke`, { headers: origin, data: { reason: "no" } })).status()).toBe(403);
  expect(errors()).toEqual([]);
  await context.close();
});

test("an unknown machine id is a 404 page", async ({ page }) => {
  const response = await page.goto("/machines/no-such-machine");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});
