// Intents against the real server with the real CLI: a machine enrolled with a host ticket
// submits intents that the published policy allows, denies, or holds for approval; the
// answers and exit codes are the ones a CI script relies on. (Approvals in the browser and
// execution verification come with the rest of the Intents issue.) Named to run after the
// machines and policies specs, whose first tests look at the empty inventory and policy list.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { admin } from "./helpers/host";
import { EDITOR_STATE, ensureMachineOperators, pteri } from "./helpers/machines";

test.describe.configure({ mode: "serial" });
test.use({ storageState: EDITOR_STATE });
test.beforeAll(async ({ browser }) => ensureMachineOperators(browser));

const AUDIENCE = "https://deploy.example";

test("a machine submits intents with the CLI: allowed, denied, pending; resubmission is idempotent; another machine cannot read them", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-intents-"));
  const enroll = async (name: string) => {
    const { ticket } = JSON.parse(admin(["enrollment-ticket", "--name", name, "--tag", "e2e-intents", "--no-confirm", "--json"])) as { ticket: string };
    const key = path.join(dir, `${name}.pem`);
    const enrolled = await pteri(["enroll", "--server", baseURL, "--ticket", ticket, "--out", key, "--json"]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    return key;
  };
  const key = await enroll("intents-worker");
  const stranger = await enroll("intents-stranger");

  // A published policy for the tag: deploys allowed, rollbacks need one approver.
  await page.goto("/policies");
  const headers = { origin: baseURL };
  const created = await page.request.post("/api/policies", { headers, data: { name: "E2E intents" } });
  expect(created.status(), await created.text()).toBe(201);
  const { policy } = (await created.json()) as { policy: { id: string } };
  const document = {
    format: "pteri.policy/v1",
    name: "E2E intents",
    targets: { tagSelectors: [["e2e-intents"]] },
    rules: [
      { id: "deploys", effect: "allow", actions: ["deploy.start"], resources: ["services/*"] },
      { id: "rollbacks", effect: "allow", actions: ["deploy.rollback"], resources: ["services/*"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } },
    ],
  };
  const published = await page.request.post(`/api/policies/${policy.id}/publish`, { headers, data: { note: "e2e intents", document } });
  expect(published.status(), await published.text()).toBe(201);

  const submit = (action: string, extra: string[] = [], who = key) =>
    pteri(["intent", "submit", "--server", baseURL, "--key", who, "--action", action, "--resource", "services/api", "--params", '{"version":"1.2.3"}', "--audience", AUDIENCE, "--execute", "POST", `${AUDIENCE}/deployments`, "-d", '{"version":"1.2.3"}', "--json", ...extra]);

  const allowed = await submit("deploy.start");
  expect(allowed.code, allowed.stderr).toBe(0);
  const answer = JSON.parse(allowed.stdout) as { id: string; hash: string; status: string; created: boolean; decision: { rules: { ruleId: string }[] } };
  expect(answer).toMatchObject({ status: "allowed", created: true });
  expect(answer.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(answer.decision.rules.map((r) => r.ruleId)).toEqual(["deploys"]);

  // The same document again: the same intent, not a new one.
  const again = JSON.parse((await submit("deploy.start")).stdout) as { id: string; created: boolean };
  expect(again).toMatchObject({ id: answer.id, created: false });

  const denied = await submit("deploy.delete");
  expect(denied.code).toBe(3);
  expect(JSON.parse(denied.stdout)).toMatchObject({ status: "denied", decision: { reason: "default_deny" } });

  const pending = await submit("deploy.rollback");
  expect(pending.code).toBe(4);
  const pendingAnswer = JSON.parse(pending.stdout) as { id: string; status: string; approvals: { required: number; received: number } };
  expect(pendingAnswer).toMatchObject({ status: "pending", approvals: { required: 1, received: 0 } });

  const status = await pteri(["intent", "status", "--server", baseURL, "--key", key, "--json", answer.id]);
  expect(status.code, status.stderr).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ id: answer.id, status: "allowed" });

  // Another machine's intent is not found, not forbidden: its existence does not leak.
  const foreign = await pteri(["intent", "status", "--server", baseURL, "--key", stranger, answer.id]);
  expect(foreign.code).toBe(1);
  expect(foreign.stderr).toContain("not_found");
});
