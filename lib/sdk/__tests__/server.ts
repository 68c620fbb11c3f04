/**
 * Test-only resource service on node:http (127.0.0.1, ephemeral port) that
 * verifies every request with the SDK's verifyIncomingRequest. Routes:
 * any path echoes the verified identity as JSON; /status/NNN answers NNN;
 * /problem answers 403 problem+json. Verification failures answer 401
 * problem+json with the failure code. Shared by the SDK and CLI tests.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { problemResponse } from "../../http/problem";
import { generateKeyPair, type GeneratedKeyPair } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { createMemoryNonceStore, readIncomingMessage, staticKeyResolver, verifyIncomingRequest, type IncomingVerifyResult } from "../node";

export type TestServer = { url: string; results: IncomingVerifyResult[]; close(): Promise<void> };

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function startTestServer(trusted: readonly (string | object)[]): Promise<TestServer> {
  const results: IncomingVerifyResult[] = [];
  const resolveKey = staticKeyResolver(trusted);
  const nonceStore = createMemoryNonceStore();
  let origin = "";
  const server: Server = createServer((req, res) => {
    void (async () => {
      const incoming = await readIncomingMessage(req);
      const result = await verifyIncomingRequest(incoming, { publicUrl: origin, resolveKey, nonceStore });
      results.push(result);
      if (!result.ok) {
        return send(res, problemResponse({ code: result.code, status: 401, title: "Request not authenticated", detail: result.message }));
      }
      const status = /^\/status\/(\d{3})$/.exec(incoming.url)?.[1];
      if (status) return send(res, new Response(`status ${status}\n`, { status: Number(status), headers: { "content-type": "text/plain" } }));
      if (incoming.url === "/problem") {
        return send(res, problemResponse({ code: "policy_denied", status: 403, title: "Denied", detail: "No policy allows deploy on prod." }));
      }
      const echo = { keyId: result.keyId, method: incoming.method, targetUri: result.targetUri, components: result.components, body: Buffer.from(result.body).toString("utf8") };
      return send(res, Response.json(echo));
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    results,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fresh key pair (node:crypto back end). */
export const newKey = (): Promise<GeneratedKeyPair> => generateKeyPair(nodeEd25519);
