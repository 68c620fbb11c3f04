/**
 * Set-up for the webhook tests: a local node:http receiver that records what arrives and
 * answers from a script, endpoints created as an administrator would, and the delivery rows.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import type { CreateWebhookInput } from "@/lib/webhooks/schemas";
import type { WebhookEventType } from "@/lib/webhooks/wire";

export const ADMIN = { type: "operator" as const, id: "op-webhooks-test" };

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
}

export interface Receiver {
  /** Its origin, e.g. http://127.0.0.1:41234 (what verifyWebhook calls publicUrl). */
  origin: string;
  received: Received[];
  /** Status codes to answer, in order; then 200 for everything. */
  script: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) });
      const status = script.shift() ?? 200;
      if (status >= 300 && status < 400) res.writeHead(status, { location: "/elsewhere" }).end();
      else res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? `receiver says no (${status})\n${"x".repeat(5000)}` : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function addEndpoint(db: Db, url: string, over: Partial<CreateWebhookInput> & { events?: WebhookEventType[] } = {}): Promise<string> {
  return writeTransaction(db, (tx) => createEndpoint(tx, ADMIN, { url, description: "", events: ["intent.pending", "intent.approved", "intent.rejected", "intent.expired"], enabled: true, ...over }));
}

export async function deliveriesOf(db: Db, endpointId: string) {
  return db.webhookDelivery.findMany({ where: { endpointId }, orderBy: { createdAt: "asc" } });
}

/** A received delivery in the shape verifyWebhook takes. */
export const asIncoming = (r: Received, over: { body?: Uint8Array | string; headers?: Record<string, string> } = {}) => ({
  method: r.method,
  url: r.url,
  headers: { ...(r.headers as Record<string, string>), ...over.headers },
  body: over.body ?? r.body,
});
