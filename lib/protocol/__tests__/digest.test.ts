import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkContentDigest, createContentDigest, DIGEST_FAILURE_CODES } from "../digest";
import { utf8Encode } from "../encoding";
import { loadVector, type Rfc9530File } from "./vectors";

const rfc = loadVector<Rfc9530File>("rfc9530_examples.json");

describe("RFC 9530 examples", () => {
  for (const ex of [...rfc.examples, ...rfc.related]) {
    it(`${ex.id}: creates and checks ${ex.fieldValue}`, () => {
      const alg = ex.algorithm as "sha-256" | "sha-512";
      expect(createContentDigest(utf8Encode(ex.body), alg)).toBe(ex.fieldValue);
      expect(checkContentDigest(ex.fieldValue, utf8Encode(ex.body))).toEqual({ ok: true, alg, algorithms: [alg] });
    });
  }

  it("the errata form with an extra '=' (RFC 9530 C.1) is not accepted as a digest", () => {
    const r = checkContentDigest("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg==:", utf8Encode('{"hello": "world"}\n'));
    expect(r.ok).toBe(false);
  });

  it("defaults to sha-256 and accepts string bodies", () => {
    expect(createContentDigest('{"hello": "world"}')).toBe("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  });
});

describe("checkContentDigest", () => {
  const body = utf8Encode('{"hello": "world"}\n');
  const sha256 = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:";
  const sha512 = "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:";
  const wrong256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";

  const code = (header: string | undefined, b: Uint8Array = body) => {
    const r = checkContentDigest(header, b);
    return r.ok ? "ok" : r.code;
  };

  it("checks every supported algorithm present", () => {
    expect(checkContentDigest(`${sha256}, ${sha512}`, body)).toEqual({ ok: true, alg: "sha-512", algorithms: ["sha-256", "sha-512"] });
    expect(code(`${wrong256}, ${sha512}`)).toBe("digest_mismatch");
    expect(code(`${sha512}, ${wrong256}`)).toBe("digest_mismatch");
  });

  it("ignores unknown algorithms next to a supported one", () => {
    expect(code(`md5=:AAAA:, ${sha256}`)).toBe("ok");
    expect(code("md5=:AAAA:, sha=:AAAA:")).toBe("digest_unsupported");
  });

  it.each([
    ["missing", undefined, "digest_missing"],
    ["empty", "  ", "digest_missing"],
    ["not a dictionary", "sha-256 = abc", "digest_malformed"],
    ["a string instead of bytes", 'sha-256="abc"', "digest_malformed"],
    ["an inner list", "sha-256=(:AAAA:)", "digest_malformed"],
    ["a wrong-length digest", "sha-256=:AAAA:", "digest_malformed"],
    ["a duplicated algorithm", `${sha256}, ${sha256}`, "digest_malformed"],
    ["uppercase algorithm", sha256.toUpperCase(), "digest_malformed"],
    ["an oversized header", `${sha256}, x=${"a".repeat(5000)}`, "digest_malformed"],
    ["a mismatch", wrong256, "digest_mismatch"],
  ])("reports %s", (_name, header, expected) => {
    expect(code(header)).toBe(expected);
  });

  it("detects any change to the body", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (b, i, x) => {
        const header = createContentDigest(b, "sha-512");
        expect(code(header, b)).toBe("ok");
        const tampered = b.slice();
        tampered[i % b.length] = (tampered[i % b.length] ?? 0) ^ x;
        expect(code(header, tampered)).toBe("digest_mismatch");
      }),
    );
  });

  it("never throws on hostile input", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (h, b) => {
        const r = checkContentDigest(h as string, b as Uint8Array);
        expect(r.ok ? "ok" : DIGEST_FAILURE_CODES.includes(r.code)).toBeTruthy();
      }),
    );
  });
});
