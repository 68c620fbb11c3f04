/**
 * The Console's signed machine API for intents served over real HTTP from this process: a
 * throwaway host (startTestHost) whose route handlers (POST /api/v1/intents, GET
 * /api/v1/intents/{id}, POST /api/v1/verify) answer on 127.0.0.1 at an ephemeral port, which
 * becomes the host's PTERI_PUBLIC_URL. For tests of the SDK middleware and the example
 * resource service against the real routes, without building Next.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { POST as submitRoute } from "@/app/api/v1/intents/route";
import { GET as readRoute } from "@/app/api/v1/intents/[id]/route";
import { POST as verifyRoute } from "@/app/api/v1/verify/route";
import { INTENTS_PATH } from "@/lib/intents/wire";
import { VERIFY_PATH } from "@/lib/intents/verify-wire";
import { startTestHost, type TestHost } from "../operators/helpers/host";

export interface ConsoleServer {
  url: string;
  host: TestHost;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = chunks.length ? new Uint8Array(Buffer.concat(chunks)) : undefined;
  return new Request(`${origin}${req.url ?? "/"}`, { method: req.method, headers, body });
}

function route(method: string, path: string): ((request: Request) => Promise<Response>) | null {
  if (method === "POST" && path === INTENTS_PATH) return submitRoute;
  if (method === "POST" && path === VERIFY_PATH) return verifyRoute;
  if (method === "GET" && path.startsWith(`${INTENTS_PATH}/`)) return readRoute;
  return null;
}

export async function startConsoleServer(): Promise<ConsoleServer> {
  const host = await startTestHost();
  let origin = "";
  const server: Server = createServer((req, res) => {
    void (async () => {
      const handler = route(req.method ?? "", (req.url ?? "/").split("?")[0]!);
      const response = handler ? await handler(await toRequest(req, origin)) : new Response("not found", { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Before the first request: the route handlers read (and keep) the configuration then.
  process.env.PTERI_PUBLIC_URL = origin;
  return {
    url: origin,
    host,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await host.close();
    },
  };
}

/** A port nobody listens on right now (for a child process that needs its URL before it starts). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
