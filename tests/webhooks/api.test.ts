/**
 * The webhooks admin API as the Settings page calls it: who may read and change what, URL
 * validation, every configuration change audited in its transaction, no deletion of an
 * endpoint with deliveries, tests and redeliveries, and the paged delivery log.
 */
import { describe, expect, it } from "vitest";
import * as collection from "@/app/api/webhooks/route";
import * as item from "@/app/api/webhooks/[id]/route";
import * as deliveries from "@/app/api/webhooks/[id]/deliveries/route";
import * as redeliverRoute from "@/app/api/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import * as testRoute from "@/app/api/webhooks/[id]/test/route";
import { entryFromRow } from "@/lib/audit/rows";
import type { Role } from "@/lib/operators/roles";
import type { WebhookDeliveryPage, WebhookList } from "@/lib/webhooks/wire";
import { setUpRoleHost } from "../operators/helpers/host";

const host = setUpRoleHost();
const VALID = { url: "https://hooks.example.com/pteri", description: "On-call bot", events: ["intent.pending", "intent.approved"] };

async function audit(type: string) {
  return (await host.db.auditEntry.findMany({ where: { type }, orderBy: { seq: "asc" } })).map(entryFromRow);
}

async function create(body: unknown = VALID, role: Role = "admin") {
  return host.call(collection.POST, "/api/webhooks", { method: "POST", role, body });
}

async function createdId(body: unknown = VALID): Promise<string> {
  const response = await create(body);
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { endpoint: { id: string } }).endpoint.id;
}

describe("roles", () => {
  it("admins and auditors read the endpoints and the signing key; editors and approvers get 403", async () => {
    await createdId();
    for (const role of ["admin", "auditor"] as Role[]) {
      const response = await host.call(collection.GET, "/api/webhooks", { role });
      expect(response.status, role).toBe(200);
      const list = (await response.json()) as WebhookList;
      expect(list.endpoints.length).toBeGreaterThan(0);
      expect(list.signingKey).toMatchObject({ url: "http://localhost:3999/.well-known/pteri-webhook-key", alg: "ed25519", tag: "pteri-webhook" });
    }
    for (const role of ["editor", "approver"] as Role[]) expect((await host.call(collection.GET, "/api/webhooks", { role })).status, role).toBe(403);
    expect((await host.call(collection.GET, "/api/webhooks")).status).toBe(401);
  });

  it("only admins change anything: auditors, editors and approvers get 403 and nothing changes", async () => {
    const id = await createdId();
    const before = { endpoints: await host.db.webhookEndpoint.count(), deliveries: await host.db.webhookDelivery.count(), audit: await host.db.auditEntry.count() };
    for (const role of ["auditor", "editor", "approver"] as Role[]) {
      expect((await create(VALID, role)).status, role).toBe(403);
      expect((await host.call(item.PATCH, `/api/webhooks/${id}`, { method: "PATCH", role, body: { enabled: false }, params: { id } })).status).toBe(403);
      expect((await host.call(item.DELETE, `/api/webhooks/${id}`, { method: "DELETE", role, params: { id } })).status).toBe(403);
      expect((await host.call(testRoute.POST, `/api/webhooks/${id}/test`, { method: "POST", role, params: { id } })).status).toBe(403);
    }
    expect({ endpoints: await host.db.webhookEndpoint.count(), deliveries: await host.db.webhookDelivery.count(), audit: await host.db.auditEntry.count() }).toEqual(before);
  });
});

describe("validation", () => {
  it.each([
    ["ftp://hooks.example.com/x", /must start with https/],
    ["hooks.example.com/x", /absolute URL/],
    ["http://hooks.example.com/x", /Use https:\/\/ for a receiver on the internet/],
    ["http://8.8.8.8/x", /Use https:\/\//],
    ["https://user:secret@hooks.example.com/x", /must not contain a user name or password/],
    ["https://hooks.example.com/x#frag", /fragment/],
    [`https://hooks.example.com/${"a".repeat(2100)}`, /too long|at most/],
  ])("refuses %s", async (url, message) => {
    const before = await host.db.webhookEndpoint.count();
    const response = await create({ ...VALID, url });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(message);
    expect(await host.db.webhookEndpoint.count()).toBe(before);
  });

  it.each(["http://localhost:9000/hook", "http://127.0.0.1:9000/hook", "http://10.1.2.3/hook", "http://192.168.1.5/hook", "http://172.20.0.1/hook", "http://[::1]:9000/hook", "https://hooks.example.com/a?team=ops"])("accepts %s", async (url) => {
    expect((await create({ ...VALID, url })).status).toBe(201);
  });

  it("refuses unknown events, no events and unknown members", async () => {
    for (const body of [{ ...VALID, events: ["intent.deleted"] }, { ...VALID, events: [] }, { ...VALID, secret: "x" }, { ...VALID, events: "intent.pending" }]) {
      expect((await create(body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("configuration changes are audited", () => {
  it("create, update, disable, delete: each with its entry", async () => {
    const id = await createdId({ ...VALID, url: "https://audited.example/hook" });
    const [created] = (await audit("webhook.created")).filter((e) => e.evidence.endpointId === id);
    expect(created).toMatchObject({ actor: { type: "operator", id: host.operators.get("admin")!.id }, evidence: { url: "https://audited.example/hook", events: ["intent.pending", "intent.approved"], enabled: true } });

    const patch = (body: unknown) => host.call(item.PATCH, `/api/webhooks/${id}`, { method: "PATCH", role: "admin", body, params: { id } });
    expect((await patch({ events: ["intent.rejected"], description: "changed" })).status).toBe(200);
    expect((await patch({ enabled: false })).status).toBe(200);
    expect((await patch({ url: "http://public.example/x" })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    const updates = (await audit("webhook.updated")).filter((e) => e.evidence.endpointId === id);
    expect(updates.map((e) => e.evidence.changed)).toEqual([["description", "events"], ["enabled"]]);
    expect(updates[1]!.summary).toBe("Webhook endpoint https://audited.example/hook disabled.");
    expect(updates[0]!.evidence).toMatchObject({ before: { events: ["intent.pending", "intent.approved"] }, after: { events: ["intent.rejected"], description: "changed" } });

    // Setting what is already set changes nothing and records nothing.
    expect((await patch({ enabled: false })).status).toBe(200);
    expect((await audit("webhook.updated")).filter((e) => e.evidence.endpointId === id)).toHaveLength(2);

    expect((await host.call(item.DELETE, `/api/webhooks/${id}`, { method: "DELETE", role: "admin", params: { id } })).status).toBe(200);
    expect(await host.db.webhookEndpoint.findUnique({ where: { id } })).toBeNull();
    expect((await audit("webhook.deleted")).filter((e) => e.evidence.endpointId === id)).toHaveLength(1);
  });

  it("an endpoint with deliveries is not deleted (disable it instead); a test goes only to an enabled endpoint", async () => {
    const id = await createdId();
    const send = () => host.call(testRoute.POST, `/api/webhooks/${id}/test`, { method: "POST", role: "admin", params: { id } });
    const sent = await send();
    expect(sent.status).toBe(202);
    const { eventId } = (await sent.json()) as { eventId: string };
    const [row] = await host.db.webhookDelivery.findMany({ where: { endpointId: id } });
    expect(row).toMatchObject({ eventType: "webhook.test", status: "pending" });
    const [entry] = (await audit("webhook.test_requested")).filter((e) => e.evidence.endpointId === id);
    expect(JSON.parse(row!.payload)).toEqual({ id: eventId, type: "webhook.test", createdAt: expect.any(String), endpointId: id, auditSeq: entry!.seq, links: { console: "http://localhost:3999/settings" } });

    const refused = await host.call(item.DELETE, `/api/webhooks/${id}`, { method: "DELETE", role: "admin", params: { id } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "has_deliveries", detail: expect.stringMatching(/disable it instead/) });
    expect(await host.db.webhookEndpoint.findUnique({ where: { id } })).not.toBeNull();

    await host.call(item.PATCH, `/api/webhooks/${id}`, { method: "PATCH", role: "admin", body: { enabled: false }, params: { id } });
    const disabled = await send();
    expect(disabled.status).toBe(409);
    expect(await disabled.json()).toMatchObject({ code: "endpoint_disabled" });
    expect(await host.db.webhookDelivery.count({ where: { endpointId: id } })).toBe(1);
  });
});

describe("the delivery log", () => {
  it("is paged newest first; only a failed delivery can be redelivered, by an admin", async () => {
    const id = await createdId();
    for (let i = 0; i < 3; i++) await host.call(testRoute.POST, `/api/webhooks/${id}/test`, { method: "POST", role: "admin", params: { id } });
    const rows = await host.db.webhookDelivery.findMany({ where: { endpointId: id } });
    await host.db.webhookDelivery.update({ where: { id: rows[0]!.id }, data: { createdAt: new Date(Date.now() - 60_000), status: "failed", attempts: 7, lastError: "HTTP 500" } });

    const page = async (query: string, role: Role = "auditor") => host.call(deliveries.GET, `/api/webhooks/${id}/deliveries${query}`, { role, params: { id } });
    const first = (await (await page("?page=1&pageSize=10")).json()) as WebhookDeliveryPage;
    expect(first.total).toBe(3);
    expect(first.items.at(-1)).toMatchObject({ id: rows[0]!.id, status: "failed", attempts: 7, nextAttemptAt: null, lastError: "HTTP 500" });
    expect(first.items[0]!.nextAttemptAt).not.toBeNull();
    expect((await page("?pageSize=7")).status).toBe(400);
    expect((await page("?page=0")).status).toBe(400);
    expect((await page("", "editor")).status).toBe(403);
    expect((await host.call(deliveries.GET, "/api/webhooks/nope/deliveries", { role: "admin", params: { id: "nope" } })).status).toBe(404);

    const redeliver = (deliveryId: string, role: Role = "admin") =>
      host.call(redeliverRoute.POST, `/api/webhooks/${id}/deliveries/${deliveryId}/redeliver`, { method: "POST", role, params: { id, deliveryId } });
    expect((await redeliver(rows[0]!.id, "auditor")).status).toBe(403);
    expect((await redeliver(rows[1]!.id)).status).toBe(409);
    expect((await redeliver(rows[0]!.id)).status).toBe(202);
    expect(await host.db.webhookDelivery.findUnique({ where: { id: rows[0]!.id } })).toMatchObject({ status: "pending", attempts: 0, payload: rows[0]!.payload });
    expect((await audit("webhook.redelivery_requested")).filter((e) => e.evidence.deliveryId === rows[0]!.id)).toHaveLength(1);
  });
});
