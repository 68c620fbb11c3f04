import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  base64Decode,
  base64Encode,
  base64UrlDecode,
  base64UrlEncode,
  constantTimeEqual,
  hexDecode,
  hexEncode,
  isWellFormedUnicode,
  tryBase64Decode,
  tryBase64UrlDecode,
  tryUtf8Decode,
  utf8Decode,
  utf8Encode,
} from "../encoding";

describe("base64 / base64url", () => {
  it("matches RFC 4648 section 10 test vectors", () => {
    const vectors: [string, string][] = [
      ["", ""], ["f", "Zg=="], ["fo", "Zm8="], ["foo", "Zm9v"], ["foob", "Zm9vYg=="], ["fooba", "Zm9vYmE="], ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, b64] of vectors) {
      expect(base64Encode(utf8Encode(plain))).toBe(b64);
      expect(utf8Decode(base64Decode(b64))).toBe(plain);
      expect(base64UrlEncode(utf8Encode(plain))).toBe(b64.replace(/=+$/, ""));
      expect(utf8Decode(base64UrlDecode(b64.replace(/=+$/, "")))).toBe(plain);
    }
  });

  it("uses the URL-safe alphabet", () => {
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
    expect(base64Encode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
  });

  it("round-trips arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
        expect(base64UrlDecode(base64UrlEncode(bytes))).toEqual(bytes);
      }),
    );
  });

  it("round-trips large inputs (chunked encoding)", () => {
    const big = Uint8Array.from({ length: 100_000 - 1 }, (_, i) => (i * 31 + 7) & 0xff);
    const encoded = base64Encode(big);
    expect(encoded).toBe(Buffer.from(big).toString("base64"));
    expect(Buffer.from(base64Decode(encoded)).equals(Buffer.from(big))).toBe(true);
  });

  it.each([
    ["padding in base64url", "Zg=="],
    ["standard alphabet in base64url", "+/+/"],
    ["whitespace", "Zm9v Yg"],
    ["impossible length", "Zm9vY"],
    ["non-zero trailing bits", "Zh"],
    ["non-ASCII", "Zm9v\u00e9"],
  ])("base64url rejects %s", (_name, text) => {
    expect(() => base64UrlDecode(text)).toThrow(TypeError);
    expect(tryBase64UrlDecode(text)).toBeNull();
  });

  it.each([
    ["missing padding", "Zg"],
    ["url alphabet", "-_-_"],
    ["trailing bits", "Zh=="],
    ["newline", "Zm9v\n"],
    ["too much padding", "Zg==="],
    ["missing single padding", "Zm8"],
    ["trailing bits with single padding", "Zm9="],
    ["padding in the middle", "Zg==Zm9v"],
    ["padding only", "===="],
    ["leading whitespace", " Zm9v"],
  ])("base64 rejects %s", (_name, text) => {
    expect(() => base64Decode(text)).toThrow(TypeError);
    expect(tryBase64Decode(text)).toBeNull();
  });

  it("base64 accepts exactly one spelling of every byte string", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 63 }), (bytes, at, delta) => {
        const text = base64Encode(bytes);
        if (text.length === 0) return;
        const i = at % text.length;
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const c = text[i]!;
        if (c === "=") return;
        const changed = text.slice(0, i) + alphabet[(alphabet.indexOf(c) + delta) % 64] + text.slice(i + 1);
        const decoded = tryBase64Decode(changed);
        // Any other text either fails or decodes to different bytes.
        if (decoded !== null) expect(decoded).not.toEqual(bytes);
      }),
    );
  });

  it("try-decoders return null for non-strings", () => {
    expect(tryBase64UrlDecode(42)).toBeNull();
    expect(tryBase64Decode(undefined)).toBeNull();
  });
});

describe("utf8, hex, constant-time equality", () => {
  it("utf8 round-trips and rejects invalid UTF-8", () => {
    expect(utf8Decode(utf8Encode("héllo 😂"))).toBe("héllo 😂");
    expect(() => utf8Decode(new Uint8Array([0xff]))).toThrow();
  });

  it("utf8Decode keeps a leading BOM (decoding is the exact inverse of encoding)", () => {
    const withBom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61);
    expect(utf8Decode(withBom)).toBe("\uFEFFa");
    expect(utf8Encode(utf8Decode(withBom))).toEqual(withBom);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(utf8Decode(utf8Encode(text))).toBe(text);
      }),
    );
  });

  it("tryUtf8Decode returns null instead of throwing", () => {
    expect(tryUtf8Decode(utf8Encode("ok ✓"))).toBe("ok ✓");
    expect(tryUtf8Decode(Uint8Array.of(0xc0, 0x80))).toBeNull(); // overlong NUL
    expect(tryUtf8Decode(Uint8Array.of(0xed, 0xa0, 0x80))).toBeNull(); // encoded surrogate
    expect(tryUtf8Decode(Uint8Array.of(0xe2, 0x82))).toBeNull(); // truncated
    expect(tryUtf8Decode("text")).toBeNull();
    expect(tryUtf8Decode(null)).toBeNull();
  });

  it("isWellFormedUnicode detects lone surrogates", () => {
    expect(isWellFormedUnicode("")).toBe(true);
    expect(isWellFormedUnicode("héllo 😂")).toBe(true);
    expect(isWellFormedUnicode("\uD83D\uDE02")).toBe(true);
    for (const bad of ["\uD800", "a\uD83D", "\uDE02a", "\uDE02\uD83D", "\uD83D\uD83D\uDE02"]) {
      expect(isWellFormedUnicode(bad), JSON.stringify(bad)).toBe(false);
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.oneof(fc.constantFrom("\uD83D", "\uDE02", "a", "é"), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))) }),
        (text) => {
        // Well-formed exactly when UTF-8 encoding does not replace anything.
          expect(isWellFormedUnicode(text)).toBe(utf8Decode(utf8Encode(text)) === text);
        },
      ),
    );
  });

  it("hex round-trips and is strict", () => {
    expect(hexEncode(new Uint8Array([0, 15, 255]))).toBe("000fff");
    expect(hexDecode("000fFF")).toEqual(new Uint8Array([0, 15, 255]));
    expect(() => hexDecode("abc")).toThrow();
    expect(() => hexDecode("zz")).toThrow();
  });

  it("constantTimeEqual compares content and length", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
