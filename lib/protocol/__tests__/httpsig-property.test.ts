import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createContentDigest } from "../digest";
import { nodeEd25519 } from "../ed25519-node";
import { nobleEd25519 } from "../ed25519-noble";
import type { Ed25519Backend } from "../ed25519";
import { checkSignedContentDigest, signRequest, verifyRequest, type SignableRequest, type VerifyResult } from "../httpsig";
import { alice, bob, NOW, nonceStore, pteriPolicy, resolveKey } from "./httpsig-fixtures";

const token = fc.stringMatching(/^[a-zA-Z0-9._~-]{1,8}$/);
const headerText = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);

const requestArb = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
  host: fc.constantFrom("pteri.example", "api.example.com:8443", "127.0.0.1:3000"),
  path: fc.array(token, { maxLength: 4 }),
  query: fc.array(fc.tuple(token, token), { maxLength: 3 }),
  headers: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,6}$/), headerText, { maxKeys: 4 }),
  covered: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  splitTarget: fc.boolean(),
  body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 256 }), { nil: undefined }),
});

type Generated = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function build(g: Generated): { request: SignableRequest; components: string[]; uncovered: string[] } {
  const query = g.query.length ? `?${g.query.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
  const headers: Record<string, string> = { ...g.headers };
  const names = Object.keys(g.headers);
  const coveredHeaders = names.filter((_, i) => g.covered[i]);
  const components = ["@method", ...(g.splitTarget ? ["@authority", "@path", "@query"] : ["@target-uri"]), ...coveredHeaders];
  if (g.body) {
    headers["content-type"] = "application/octet-stream";
    headers["content-digest"] = createContentDigest(g.body, "sha-512");
    components.push("content-digest", "content-type");
  }
  const request = { method: g.method, targetUri: `https://${g.host}/${g.path.join("/")}${query}`, headers, body: g.body };
  return { request, components, uncovered: names.filter((n) => !coveredHeaders.includes(n)) };
}

async function signGenerated(g: Generated, backend: Ed25519Backend = nodeEd25519) {
  const { request, components, uncovered } = build(g);
  const s = await signRequest(request, { key: alice.seed, keyId: alice.publicKey.keyId, backend, components, created: NOW });
  const headers = { ...(request.headers as Record<string, string>), "signature-input": s.headers["Signature-Input"], signature: s.headers.Signature };
  return { request: { ...request, headers }, components, uncovered, nonce: s.params.nonce ?? "" };
}

const verify = (request: SignableRequest, backend: Ed25519Backend = nodeEd25519) =>
  verifyRequest(request, { policy: pteriPolicy(), resolveKey, backend });
const code = (r: VerifyResult) => (r.ok ? "ok" : r.code);

const TAMPERS = ["method", "path", "query", "authority", "coveredHeader", "uncoveredHeader", "body", "created", "expires", "nonce", "keyidOther", "keyidUnknown", "signatureBytes"] as const;
type Tamper = (typeof TAMPERS)[number];

/** Applies one tampering; returns the expected code, or null if it does not apply to this request. */
function tamper(req: SignableRequest, kind: Tamper, ctx: { components: string[]; uncovered: string[]; nonce: string }): string | null {
  const h = req.headers as Record<string, string>;
  const url = new URL(req.targetUri);
  const setInput = (f: (s: string) => string) => (h["signature-input"] = f(h["signature-input"] ?? ""));
  switch (kind) {
    case "method":
      req.method = req.method === "GET" ? "HEAD" : "GET";
      return "signature_invalid";
    case "path":
      url.pathname += "/x";
      req.targetUri = url.href;
      return "signature_invalid";
    case "query":
      url.search = `${url.search}${url.search ? "&" : "?"}t=1`;
      req.targetUri = url.href;
      return "signature_invalid";
    case "authority":
      url.host = "evil.example";
      req.targetUri = url.href;
      return "signature_invalid";
    case "coveredHeader": {
      const name = ctx.components.find((c) => c.startsWith("x-"));
      if (!name) return null;
      h[name] = `${h[name]}x`;
      return "signature_invalid";
    }
    case "uncoveredHeader": {
      const name = ctx.uncovered[0];
      if (!name) return null;
      h[name] = `${h[name]}x`;
      return "ok";
    }
    case "body":
      return req.body instanceof Uint8Array ? "digest_mismatch" : null;
    case "created":
      setInput((s) => s.replace(`created=${NOW}`, `created=${NOW - 1}`));
      return "signature_invalid";
    case "expires":
      setInput((s) => s.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 1}`));
      return "signature_invalid";
    case "nonce":
      setInput((s) => s.replace(ctx.nonce, "A".repeat(22)));
      return "signature_invalid";
    case "keyidOther":
      setInput((s) => s.replace(alice.publicKey.keyId, bob.publicKey.keyId));
      return "signature_invalid";
    case "keyidUnknown":
      setInput((s) => s.replace(alice.publicKey.keyId, "x".repeat(43)));
      return "key_unknown";
    case "signatureBytes": {
      const m = /^sig1=:([^:]+):$/.exec(h.signature ?? "");
      const bytes = Buffer.from(m?.[1] ?? "", "base64");
      bytes[5] = (bytes[5] ?? 0) ^ 1;
      h.signature = `sig1=:${bytes.toString("base64")}:`;
      return "signature_invalid";
    }
  }
}

describe("property: sign -> verify", () => {
  it("random requests round-trip (node back end)", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (g) => {
        const { request } = await signGenerated(g);
        const r = await verify(request);
        expect(code(r)).toBe("ok");
        if (r.ok && g.body) expect(checkSignedContentDigest(request, g.body, r.components)).toEqual({ ok: true, alg: "sha-512" });
      }),
      { numRuns: 200 },
    );
  });

  it("random requests round-trip across back ends (noble signs, node verifies, and back)", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (g) => {
        const { request } = await signGenerated(g, nobleEd25519);
        expect(code(await verify(request, nodeEd25519))).toBe("ok");
        const again = await signGenerated(g, nodeEd25519);
        expect(code(await verify(again.request, nobleEd25519))).toBe("ok");
      }),
      { numRuns: 25 },
    );
  });

  it("any single tampering fails with its specific code", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, fc.constantFrom(...TAMPERS), async (g, kind) => {
        const signed = await signGenerated(g);
        const req = { ...signed.request, headers: { ...signed.request.headers } };
        const expected = tamper(req, kind, signed);
        fc.pre(expected !== null);
        const r = await verify(req);
        if (kind === "body") {
          expect(code(r)).toBe("ok"); // the header is intact, the body is not
          const body = (g.body as Uint8Array).slice();
          body[0] = (body[0] ?? 0) ^ 0xff;
          const d = r.ok ? checkSignedContentDigest(req, body, r.components) : null;
          expect(d && !d.ok && d.code).toBe("digest_mismatch");
        } else {
          expect(code(r)).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a verified request cannot be replayed", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (g) => {
        const { request } = await signGenerated(g);
        const store = nonceStore();
        const policy = pteriPolicy({ checkNonce: store.checkNonce });
        const opts = { policy, resolveKey, backend: nodeEd25519 };
        expect(code(await verifyRequest(request, opts))).toBe("ok");
        expect(code(await verifyRequest(request, opts))).toBe("replayed");
      }),
      { numRuns: 50 },
    );
  });

  it("outside the time window, expired / not_yet_valid", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, fc.integer({ min: 331, max: 1e8 }), async (g, delta) => {
        const { request } = await signGenerated(g);
        const at = (now: number) => verifyRequest(request, { policy: pteriPolicy({ now: () => now }), resolveKey, backend: nodeEd25519 });
        expect(code(await at(NOW + delta))).toBe("expired");
        expect(code(await at(NOW - delta))).toBe("not_yet_valid");
      }),
      { numRuns: 50 },
    );
  });
});
