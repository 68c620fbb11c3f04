import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateJsonError, parseJsonWithPosition } from "../json-position";

describe("parseJsonWithPosition", () => {
  it.each([
    ['{"a":}', 1, 6],
    ['{\n  "a": 1,\n}', 2, 9], // the trailing comma
    ["[1, 2", 1, 6],
    ['{"a": "b\nc"}', 1, 9],
    ["[01]", 1, 3],
  ])("points at the first error of %j: line %i, column %i", (text, line, column) => {
    const parsed = parseJsonWithPosition(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect([parsed.line, parsed.column]).toEqual([line, column]);
  });

  it("returns the value of valid JSON", () => {
    expect(parseJsonWithPosition('{"a": [1, "x", null, true]}')).toEqual({ ok: true, value: { a: [1, "x", null, true] } });
  });

  it("agrees with JSON.parse on what is JSON (random near-JSON text)", () => {
    const chunk = fc.constantFrom("{", "}", "[", "]", ",", ":", '"a"', '"', "1", "-", "0", ".5", "e3", "true", "nul", " ", "\n", "\\", '"\\u00e9"');
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(locateJsonError(text) === null).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });
});
