/**
 * pteri intent receipt against the real route handlers served over HTTP (a throwaway host):
 * the machine that submitted the intent gets its receipt, which pteri audit verify-receipt
 * accepts; another machine is refused (not_found) and no file is written.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as submitRoute } from "@/app/api/v1/intents/route";
import { GET as receiptRoute } from "@/app/api/v1/intents/[id]/receipt/route";
import { getLogIdentity } from "@/lib/audit/log-identity";
import type { AuditReceipt } from "@/lib/audit/receipt";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { registerMachine } from "@/lib/machines/repository";
import { parsePrivateKey } from "@/lib/protocol";
import { buildIntent, nodeEd25519, submitIntent } from "@/lib/sdk/node";
import { policyDoc, publish, rule } from "../../../tests/intents/helpers";
import { startTestHost, type TestHost } from "../../../tests/operators/helpers/host";
import { expectOneErrorLine, runCli, tempDir } from "./run";

let host: TestHost;
let server: Server;
let url = "";
let vkey = "";
const dir = tempDir();
const ownerKey = path.join(dir, "owner.pem");
const otherKey = path.join(dir, "other.pem");

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  return new Request(`${url}${req.url ?? "/"}`, { method: req.method, headers, body: chunks.length ? new Uint8Array(Buffer.concat(chunks)) : undefined });
}

async function registered(file: string, name: string): Promise<void> {
  await runCli(["keygen", "--out", file]);
  const parsed = parsePrivateKey(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  await writeTransaction(host.db, (tx) => registerMachine(tx, { name, publicKey: parsed.key.publicKey.jwk, actor: { type: "host", id: "test" } }));
}

beforeAll(async () => {
  host = await startTestHost();
  server = createServer((req, res) => {
    void (async () => {
      const pathname = (req.url ?? "/").split("?")[0]!;
      const handler = req.method === "POST" && pathname === "/api/v1/intents" ? submitRoute : req.method === "GET" && pathname.endsWith("/receipt") ? receiptRoute : null;
      const response = handler ? await handler(await toRequest(req)) : new Response("not found", { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.PTERI_PUBLIC_URL = url; // before the first route call: the handlers keep the configuration
  vkey = (await getLogIdentity(host.db, loadConfig())).vkey;
  await registered(ownerKey, "owner");
  await registered(otherKey, "other");
  await publish(host.db, policyDoc("Deploys", [rule({ id: "deploys" })]));
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await host.close();
});

describe("pteri intent receipt", () => {
  it("writes the receipt of the machine's own intent; pteri audit verify-receipt accepts it", async () => {
    const key = parsePrivateKey(readFileSync(ownerKey, "utf8"));
    if (!key.ok) throw new Error(key.reason);
    const intent = buildIntent({ action: "deploy.start", resource: "services/api", params: {}, audience: "https://svc.example", execute: { method: "POST", url: "https://svc.example/deploy", body: null } });
    const { intent: answer } = await submitIntent({ server: url, key: key.key.seed, intent, backend: nodeEd25519 });
    expect(answer.status).toBe("allowed");

    const out = path.join(tempDir(), "receipt.json");
    const r = await runCli(["intent", "receipt", "--server", url, "--key", ownerKey, "--out", out, answer.id]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote the receipt of intent ${answer.id} (2 entries,`);
    const receipt = JSON.parse(readFileSync(out, "utf8")) as AuditReceipt;
    expect(receipt.entries.map((e) => e.entry.type)).toEqual(["machine.request", "intent.submitted"]);

    const verified = await runCli(["audit", "verify-receipt", out, "--log-key", vkey]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("executed    no: the receipt holds no execution");

    const again = await runCli(["intent", "receipt", "--server", url, "--key", ownerKey, "--out", out, answer.id]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again)).toMatch(/exists already/);
  });

  it("another machine is refused with the intent's not-found answer, and nothing is written", async () => {
    const key = parsePrivateKey(readFileSync(ownerKey, "utf8"));
    if (!key.ok) throw new Error(key.reason);
    const intent = buildIntent({ action: "deploy.start", resource: "services/web", params: {}, audience: "https://svc.example", execute: { method: "POST", url: "https://svc.example/deploy", body: null } });
    const { intent: answer } = await submitIntent({ server: url, key: key.key.seed, intent, backend: nodeEd25519 });
    const out = path.join(tempDir(), "theirs.json");
    const r = await runCli(["intent", "receipt", "--server", url, "--key", otherKey, "--out", out, answer.id]);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/^pteri: intent receipt refused \(not_found\)/);
    expect(existsSync(out)).toBe(false);
  });
});
