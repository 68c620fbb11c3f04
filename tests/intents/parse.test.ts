/**
 * The intent document as received: schema validation with the path, and the hash,
 * which must be SHA-256 of the RFC 8785 form (checked against the `canonicalize` package
 * directly) whatever key order or spacing the machine sent.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { IntentError } from "@/lib/intents/errors";
import { parseIntentBody, scanJsonText } from "@/lib/intents/parse";
import { intentHash, INTENT_LIMITS } from "@/lib/intents/wire";
import { intentDoc } from "./helpers";

const bytes = (text: string) => new TextEncoder().encode(text);

function refusal(body: string | Uint8Array): { code: string; message: string; path?: unknown } {
  try {
    parseIntentBody(typeof body === "string" ? bytes(body) : body);
  } catch (error) {
    if (error instanceof IntentError) return { code: error.code, message: error.message, path: error.extensions?.path };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Reverses key order at every level and pretty-prints: same document, other bytes. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
  return value;
}

describe("the hash", () => {
  const doc = intentDoc({ params: { amount: 1500.5, currency: "EUR", nested: { z: [1, 2, { b: true, a: null }], "é": "ü", "\u20ac": 1e21 } } });

  it("is SHA-256 of the RFC 8785 canonical JSON (independent canonicalization)", () => {
    const parsed = parseIntentBody(bytes(JSON.stringify(doc)));
    const expected = createHash("sha256").update(canonicalize(doc)!, "utf8").digest("hex");
    expect(parsed.hash.hex).toBe(expected);
    expect(parsed.canonical).toBe(canonicalize(doc));
    expect(intentHash(doc).hex).toBe(expected);
    expect(Buffer.from(parsed.hash.base64url, "base64url").toString("hex")).toBe(expected);
  });

  it("does not depend on key order or whitespace", () => {
    const a = parseIntentBody(bytes(JSON.stringify(doc)));
    const b = parseIntentBody(bytes(JSON.stringify(reordered(doc), null, 2)));
    const c = parseIntentBody(bytes(` \n${JSON.stringify(doc).replaceAll(",", " ,\t")}\r\n`));
    expect(b.hash.hex).toBe(a.hash.hex);
    expect(c.hash.hex).toBe(a.hash.hex);
    expect(b.canonical).toBe(a.canonical);
  });

  it("changes with any value, and with a nonce", () => {
    const base = parseIntentBody(bytes(JSON.stringify(doc))).hash.hex;
    expect(parseIntentBody(bytes(JSON.stringify({ ...doc, nonce: "n1" }))).hash.hex).not.toBe(base);
    expect(parseIntentBody(bytes(JSON.stringify({ ...doc, params: { ...doc.params, amount: 1500.51 } }))).hash.hex).not.toBe(base);
  });
});

describe("refusals", () => {
  const ok = intentDoc();
  const cases: [string, string | Uint8Array, string, unknown?][] = [
    ["empty body", "", "body_invalid"],
    ["not JSON", "{nope", "body_invalid"],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), "body_invalid"],
    ["an array", "[]", "body_invalid"],
    ["a string", '"x"', "body_invalid"],
    ["wrong format", JSON.stringify({ ...ok, format: "pteri.intent/v2" }), "intent_invalid", ["format"]],
    ["missing action", JSON.stringify({ ...ok, action: undefined }), "intent_invalid", ["action"]],
    ["bad action", JSON.stringify({ ...ok, action: "Payments Transfer" }), "intent_invalid", ["action"]],
    ["empty resource", JSON.stringify({ ...ok, resource: "" }), "intent_invalid", ["resource"]],
    ["params not an object", JSON.stringify({ ...ok, params: [1] }), "intent_invalid", ["params"]],
    ["unknown field", JSON.stringify({ ...ok, extra: 1 }), "intent_invalid", []],
    ["audience with credentials", JSON.stringify({ ...ok, audience: "https://u:p@svc.example" }), "intent_invalid", ["audience"]],
    ["lowercase method", JSON.stringify({ ...ok, execute: { ...ok.execute, method: "post" } }), "intent_invalid", ["execute", "method"]],
    ["bad digest", JSON.stringify({ ...ok, execute: { ...ok.execute, contentDigest: "md5=:AAAA:" } }), "intent_invalid", ["execute", "contentDigest"]],
    ["target outside the audience", JSON.stringify({ ...ok, execute: { ...ok.execute, targetUri: "https://svc.example.evil/x" } }), "intent_invalid", ["execute", "targetUri"]],
    ["params nested too deep", JSON.stringify({ ...ok, params: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }), "intent_invalid", ["params"]],
    ["a duplicate member name", JSON.stringify(ok).replace('"action":"deploy.start"', '"action":"deploy.start","action":"deploy.stop"'), "intent_invalid"],
    ["a duplicate name inside params", JSON.stringify(ok).replace('"params":{', '"params":{"a":1,"a":2,'), "intent_invalid"],
    ["__proto__ in params", JSON.stringify(ok).replace('"params":{', '"params":{"__proto__":{"x":1},'), "intent_invalid"],
    ["a number beyond double range", JSON.stringify(ok).replace('"params":{', '"params":{"n":1e400,'), "intent_invalid"],
    ["a lone surrogate", JSON.stringify(ok).replace('"params":{', '"params":{"s":"\\ud800",'), "intent_invalid"],
    ["deep nesting (stack-safe)", `{"params":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "intent_invalid", ["params"]],
  ];
  it.each(cases)("%s: %s", (_name, body, code, path) => {
    const r = refusal(body);
    expect(r.code).toBe(code);
    expect(r.message.length).toBeGreaterThan(10);
    if (path !== undefined) expect(r.path).toEqual(path);
  });

  it("names the failing path and the schema's message", () => {
    const r = refusal(JSON.stringify({ ...ok, execute: { ...ok.execute, method: "post" } }));
    expect(r.message).toContain("execute.method");
    expect(r.message).toContain("an HTTP method in capitals");
  });

  it("too large: the canonical form over the limit is intent_too_large", () => {
    const big = JSON.stringify({ ...ok, params: { blob: "x".repeat(INTENT_LIMITS.maxBytes) } });
    expect(refusal(big).code).toBe("intent_too_large");
    expect(refusal(new Uint8Array(300 * 1024).fill(0x20)).code).toBe("intent_too_large");
  });
});

describe("scanJsonText", () => {
  it("finds depth, duplicates and __proto__ without being fooled by strings", () => {
    expect(scanJsonText('{"a":"{[\\"}","b":[{"a":1},{"a":2}]}')).toEqual({ depth: 3, duplicate: undefined, proto: false });
    expect(scanJsonText('{"a":{"x":1},"b":2,"a":3}').duplicate).toBe("a");
    expect(scanJsonText('{"\\u0061":1,"a":2}').duplicate).toBe("a");
    expect(scanJsonText('{"x":["__proto__"]}').proto).toBe(false);
    expect(scanJsonText('{"x":{"__proto__":1}}').proto).toBe(true);
  });
});
