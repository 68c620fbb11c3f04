/**
 * Example resource service: a payments service that executes a transfer only when PTERI says
 * the signed request is exactly an allowed or approved intent, once. It uses nothing but the
 * SDK's public exports (lib/sdk/node). See README.md next to this file.
 *
 *   npx tsx examples/resource-service/server.ts --server URL --key FILE --port N --public-url URL
 *
 * POST /payments/transfer  executes (200, a receipt naming the intent) after PTERI's allow;
 *                          403 problem+json with PTERI's reason otherwise; 503 when PTERI
 *                          cannot be asked (fail closed).
 * GET  /health             unverified liveness check.
 */
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { pteriVerifier, readPrivateKeyFile, type PteriIncomingMessage } from "../../lib/sdk/node";

const USAGE = "usage: npx tsx examples/resource-service/server.ts --server URL --key FILE --port N --public-url URL [--host ADDRESS]";

function options() {
  const { values } = parseArgs({
    options: {
      server: { type: "string" },
      key: { type: "string" },
      port: { type: "string" },
      "public-url": { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  const port = Number(values.port);
  if (!values.server || !values.key || !values["public-url"] || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(USAGE);
    process.exit(2);
  }
  return { server: values.server, key: values.key, port, publicUrl: values["public-url"], host: values.host ?? "127.0.0.1" };
}

function json(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(`${JSON.stringify(body)}\n`);
}

/** Runs only after PTERI's allow: req.pteri names the intent, and the body is exactly what was signed. */
function transfer(req: PteriIncomingMessage, res: ServerResponse): void {
  const { intent, body } = req.pteri!;
  let order: unknown = null;
  try {
    order = JSON.parse(new TextDecoder().decode(body));
  } catch {
    // Not JSON: the receipt simply carries no order.
  }
  const receipt = { status: "executed", receiptId: randomUUID(), intent: { id: intent.id, hash: intent.hash, action: intent.action, resource: intent.resource }, machineId: intent.machineId, order, executedAt: new Date().toISOString() };
  // One line per execution: what a real service would keep in its own log.
  console.log(`executed intent ${intent.id} (${intent.action} on ${intent.resource}) for machine ${intent.machineId}: receipt ${receipt.receiptId}`);
  json(res, 200, receipt);
}

const config = options();
const key = await readPrivateKeyFile(config.key);
const verify = pteriVerifier({ server: config.server, key: key.seed, publicUrl: config.publicUrl });

const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && path === "/health") return json(res, 200, { ok: true });
  if (path !== "/payments/transfer") return json(res, 404, { type: "about:blank", title: "Not found", status: 404, detail: "This service executes POST /payments/transfer." }, "application/problem+json");
  void verify(req, res, () => transfer(req as PteriIncomingMessage, res)).catch((error: unknown) => {
    console.error(`resource service: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) json(res, 500, { title: "Internal error", status: 500 }, "application/problem+json");
  });
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  console.log(`resource service listening on http://${config.host}:${port} (public URL ${config.publicUrl}, key ${key.publicKey.keyId}), verifying with ${config.server}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close(() => process.exit(0)));
