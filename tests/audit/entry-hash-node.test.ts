/** The server's node:crypto hashing of entries is byte-identical to the portable entry.ts. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUDIT_ENTRY_VERSION, entryHash, entryLeafHash, GENESIS_PREV_HASH, type AuditEntryDocument } from "@/lib/audit/entry";
import { canonicalJsonFast, entryHashNode, entryLeafHashNode } from "@/lib/audit/entry-hash-node";
import { canonicalJson } from "@/lib/protocol/jcs";

/** Runs f and returns its value or the fact that it threw (messages may differ). */
function outcome<T>(f: () => T): { value: T } | { threw: true } {
  try {
    return { value: f() };
  } catch {
    return { threw: true };
  }
}

// Strings with anything UTF-16 can hold: astral characters, controls, and lone surrogates.
const anyString = fc.string({ unit: "binary", maxLength: 24 });
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

function doc(over: Partial<AuditEntryDocument>): AuditEntryDocument {
  return {
    v: AUDIT_ENTRY_VERSION,
    seq: 0,
    time: "2026-12-04T12:00:30.000Z",
    type: "machine.request",
    actor: { type: "machine", id: "k" },
    subjects: {},
    summary: "s",
    evidence: {},
    prevHash: GENESIS_PREV_HASH,
    ...over,
  };
}

describe("canonicalJsonFast", () => {
  it("equals canonicalJson for any JSON-like value, and throws exactly when it throws", () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        expect(outcome(() => canonicalJsonFast(value))).toEqual(outcome(() => canonicalJson(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it("hands everything that is not plain JSON data to canonicalJson", () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const sparse = [1, , 3];
    const awkward: unknown[] = [
      { when: new Date(Date.UTC(2026, 0, 1)) },
      { skip: undefined },
      [undefined],
      sparse,
      { n: NaN },
      { n: -Infinity },
      { n: -0 },
      { big: 1e21, small: 1e-7, neg: -1.5 },
      "\uD800",
      { "\uDC00": 1 },
      { f: () => 1 },
      { s: Symbol("x") },
      10n,
      circular,
      Object.create({ inherited: 1 }) as unknown,
      { toJSON: () => ({ replaced: true }) },
      { "é": 1, e: 2, "😀": 3, "\u0080": 4, Z: 5 },
      { quoted: 'a"b\\c\u0000\u0008\t\n\u001f\u007f\u2028\u2029😀', 'k"\n': "plain text" },
      ["", " ", "\\", '"', "\u001e\u0020"],
    ];
    for (const value of awkward) expect(outcome(() => canonicalJsonFast(value))).toEqual(outcome(() => canonicalJson(value)));
  });
});

describe("entryHashNode and entryLeafHashNode", () => {
  it("equal entryHash and entryLeafHash byte for byte on any document", () => {
    fc.assert(
      fc.property(anyString, anyJson, fc.nat(), (summary, evidence, seq) => {
        const d = doc({ summary, seq, evidence: { value: evidence } });
        const expected = outcome(() => entryHash(d));
        expect(outcome(() => entryHashNode(d))).toEqual(expected);
        if ("value" in expected) expect(entryLeafHashNode(expected.value)).toEqual(entryLeafHash(expected.value));
      }),
      { numRuns: 1000 },
    );
  });

  it("hash a realistic machine.request entry identically", () => {
    const d = doc({
      seq: 123_456,
      summary: 'Machine "builder ✓" sent a signed POST /api/v1/intents.',
      subjects: { machine: "cmx9h0oma0000vh7d0h1uxzny" },
      evidence: {
        v: 1,
        method: "POST",
        targetUri: "https://pteri.example.com/api/v1/intents?x=1&y=%20z",
        signatureBase: '"@method": POST\n"@target-uri": https://pteri.example.com/api/v1/intents\n"@signature-params": ("@method");created=1',
        created: 1_796_418_746,
        expires: null,
        components: ["@method", "@target-uri", "content-digest", "content-type"],
      },
    });
    expect(entryHashNode(d)).toBe(entryHash(d));
    expect(entryLeafHashNode(entryHash(d))).toEqual(entryLeafHash(entryHash(d)));
    expect(entryLeafHashNode(entryHash(d).toUpperCase())).toEqual(entryLeafHash(entryHash(d)));
    expect(() => entryLeafHashNode("abc")).toThrow(TypeError);
  });
});
