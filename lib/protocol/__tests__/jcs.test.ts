import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { canonicalJson, documentHashPrefix, hashDocument, hashDocumentBase64Url, hashDocumentHex } from "../jcs";
import { loadVector, type JcsVector } from "./vectors";

const vectors = loadVector<JcsVector[]>("jcs_vectors.json");

describe("RFC 8785 canonical JSON", () => {
  it("has the six reference vectors", () => {
    expect(vectors.map((v) => v.name)).toEqual(["arrays", "french", "structures", "unicode", "values", "weird"]);
  });

  for (const v of vectors) {
    it(`canonicalizes "${v.name}" byte for byte`, () => {
      const out = canonicalJson(JSON.parse(v.input));
      expect(out).toBe(v.output);
      expect(Buffer.from(out, "utf8")).toEqual(Buffer.from(v.output, "utf8"));
      expect(createHash("sha256").update(out, "utf8").digest("hex")).toBe(v.outputSha256);
    });
  }

  it.each([
    ["undefined at the top", undefined, /\$ is undefined/],
    ["an undefined member", { a: 1, b: undefined }, /\$\.b is undefined/],
    ["an undefined array element", [1, undefined], /\$\[1\] is undefined/],
    ["NaN", { n: NaN }, /not a finite number/],
    ["Infinity", [Infinity], /not a finite number/],
    ["a function", { f: () => 1 }, /function/],
    ["a bigint", { b: 1n }, /bigint/],
    ["a symbol", { s: Symbol("x") }, /symbol/],
  ])("throws a clear error for %s", (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it("rejects circular references and serializes Dates via toJSON", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
    expect(canonicalJson({ d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
  });
});

describe("hashDocument", () => {
  const doc = { version: 1, action: "deploy", b: [1, 2], a: "x" };

  it("is SHA-256 of the prefix followed by the JCS bytes", () => {
    const expected = createHash("sha256").update('PTERI/intent/v1\n{"a":"x","action":"deploy","b":[1,2],"version":1}').digest();
    expect(Buffer.from(hashDocument("intent", 1, doc))).toEqual(expected);
    expect(hashDocumentHex("intent", 1, doc)).toBe(expected.toString("hex"));
    expect(hashDocumentBase64Url("intent", 1, doc)).toBe(expected.toString("base64url"));
  });

  it("does not depend on member order, and separates kinds and versions", () => {
    const reordered = { a: "x", b: [1, 2], action: "deploy", version: 1 };
    expect(hashDocumentHex("intent", 1, reordered)).toBe(hashDocumentHex("intent", 1, doc));
    expect(hashDocumentHex("audit-entry", 1, doc)).not.toBe(hashDocumentHex("intent", 1, doc));
    expect(hashDocumentHex("intent", 2, doc)).not.toBe(hashDocumentHex("intent", 1, doc));
  });

  it("validates kind and version", () => {
    expect(documentHashPrefix("approval", 3)).toBe("PTERI/approval/v3\n");
    expect(() => documentHashPrefix("Intent", 1)).toThrow(TypeError);
    expect(() => documentHashPrefix("a/b", 1)).toThrow(TypeError);
    expect(() => documentHashPrefix("intent", 0)).toThrow(TypeError);
    expect(() => documentHashPrefix("intent", 1.5)).toThrow(TypeError);
  });
});
