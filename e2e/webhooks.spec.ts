// Webhooks from the Settings page: an administrator adds an endpoint that points at a receiver
// this test starts (node:http on a loopback port), sends a test event, and sees it delivered
// in the endpoint's delivery log; the receiver got one signed request that verifies with the
// key published at /.well-known/pteri-webhook-key. An auditor sees the same, read-only.
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { verifyWebhook } from "../lib/sdk";
import type { WebhookKeyDocument } from "../lib/webhooks/wire";
import { AUDITOR_STATE, ensureMachineOperators } from "./helpers/machines";
import { ADMIN_STATE } from "./helpers/operators";
import { expectNoSeriousA11yViolations, failOnPageErrors, screenshotter } from "./helpers/page-checks";

test.describe.configure({ mode: "serial" });
test.use({ storageState: ADMIN_STATE });
failOnPageErrors();
const SCREENS = process.env.PTERI_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), "pteri-webhooks-screens");
fs.mkdirSync(SCREENS, { recursive: true });
const screenshots = screenshotter(SCREENS);

interface Got {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
const received: Got[] = [];
let server: http.Server;
let receiverOrigin = "";

test.beforeAll(async ({ browser }) => {
  await ensureMachineOperators(browser);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("an administrator adds an endpoint, sends a test, and sees it delivered and verifiable", async ({ page, request }) => {
  const hookUrl = `${receiverOrigin}/hooks/pteri`;
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Webhooks" });
  await expect(section.getByText("No endpoints yet.")).toBeVisible();
  const keyDoc = (await (await request.get("/.well-known/pteri-webhook-key")).json()) as WebhookKeyDocument;
  await expect(section.getByTestId("webhook-key-id")).toHaveText(keyDoc.keyId);
  await expect(section.getByText(keyDoc.fingerprint)).toBeVisible();

  await section.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog", { name: "Add webhook endpoint" });
  await dialog.getByLabel("URL").fill("http://hooks.example.com/x");
  await dialog.getByLabel("Description (optional)").fill("On-call receiver");
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Use https:// for a receiver on the internet");
  await dialog.getByLabel("URL").fill(hookUrl);
  await dialog.getByRole("checkbox", { name: /intent\.expired/ }).uncheck();
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  await expect(dialog).toBeHidden();

  const endpoint = section.getByRole("listitem", { name: `Webhook endpoint ${hookUrl}` });
  await expect(endpoint).toContainText("On-call receiver");
  await expect(endpoint).toContainText("● Enabled");
  await expect(endpoint).not.toContainText("intent.expired");

  await endpoint.getByRole("button", { name: "Send test" }).click();
  await expect(endpoint.getByRole("status").filter({ hasText: "Test event queued" })).toBeVisible();
  const log = endpoint.getByRole("table", { name: `Deliveries to ${hookUrl}` });
  // The dispatcher runs every 2 s; the log refreshes itself while anything is pending.
  await expect(log.locator("[data-status]").first()).toHaveText("✓Delivered", { timeout: 20_000 });
  await expect(log).toContainText("webhook.test");
  await expect(log).toContainText("1 of 7");
  await expect(log).toContainText("204");

  expect(received).toHaveLength(1);
  const got = received[0]!;
  const verified = await verifyWebhook({ method: got.method, url: got.url, headers: got.headers as Record<string, string>, body: new Uint8Array(got.body) }, { publicKey: keyDoc, publicUrl: receiverOrigin });
  expect(verified).toMatchObject({ ok: true, event: { type: "webhook.test", links: { console: expect.stringMatching(/\/settings$/) } } });

  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "settings-webhooks");

  // Disabled: no more tests can be sent to it.
  await endpoint.getByRole("button", { name: "Disable" }).click();
  await expect(endpoint).toContainText("‖ Disabled");
  await expect(endpoint.getByRole("button", { name: "Send test" })).toBeDisabled();
});

test.describe("as an auditor", () => {
  test.use({ storageState: AUDITOR_STATE });
  test("the section is read-only: endpoints and their log, no changes", async ({ page }) => {
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Webhooks" });
    const endpoint = section.getByRole("listitem", { name: /Webhook endpoint http:\/\/127\.0\.0\.1/ });
    await expect(endpoint).toBeVisible();
    await expect(section.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);
    await expect(endpoint.getByRole("button", { name: /Send test|Edit|Enable|Disable/ })).toHaveCount(0);
    await endpoint.getByRole("button", { name: "Deliveries" }).click();
    await expect(endpoint.getByRole("table")).toContainText("Delivered");
  });
});
