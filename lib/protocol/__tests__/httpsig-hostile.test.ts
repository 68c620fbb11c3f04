import { describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { parseDictionary } from "structured-headers";
import { nodeEd25519 } from "../ed25519-node";
import { verifyRequest, VERIFY_FAILURE_CODES, type SignableRequest, type VerifyResult } from "../httpsig";
import { jsonRequest, pteriPolicy, resolveKey, signed, withHeaders } from "./httpsig-fixtures";

const verify = (request: unknown, lookup = resolveKey) =>
  verifyRequest(request as SignableRequest, { policy: pteriPolicy(), resolveKey: lookup, backend: nodeEd25519 });
const code = (r: VerifyResult) => (r.ok ? "ok" : r.code);

const good = await signed(jsonRequest());
const goodInput = (good.headers as Record<string, string>)["Signature-Input"] ?? "";
const goodSig = (good.headers as Record<string, string>).Signature ?? "";
const withSig = (input: string | undefined, sig: string | undefined = goodSig) => withHeaders(good, { "Signature-Input": input, Signature: sig });

function parses(value: string): boolean {
  try {
    parseDictionary(value);
    return true;
  } catch {
    return false;
  }
}

describe("hostile input never throws and is refused", () => {
  it("garbage Signature-Input / Signature strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), async (input, sig) => {
        const r = await verify(withSig(input, sig));
        expect(r.ok).toBe(false);
        expect(VERIFY_FAILURE_CODES).toContain(code(r));
        if (!parses(input) || !parses(sig)) expect(code(r)).toBe("signature_malformed");
      }),
      { numRuns: 500 },
    );
  });

  it("structured-field-shaped garbage", async () => {
    const member = fc.oneof(
      fc.stringMatching(/^\((("[a-z@-]{0,12}"|[a-z]{1,5}|\d{1,16}|:[A-Za-z0-9+/=]{0,12}:)( |))*\)(;[a-z]{1,7}=("[ -~]{0,30}"|-?\d{1,16}|\?[01]|[a-z]{1,4}))*$/),
      fc.stringMatching(/^:[A-Za-z0-9+/=]{0,100}:$/),
    );
    const dict = fc.array(fc.tuple(fc.constantFrom("sig1", "sig2", "a"), member), { maxLength: 4 }).map((m) => m.map(([k, v]) => `${k}=${v}`).join(", "));
    await fc.assert(
      fc.asyncProperty(dict, dict, async (input, sig) => {
        const r = await verify(withSig(input, sig));
        expect(r.ok).toBe(false);
        expect(VERIFY_FAILURE_CODES).toContain(code(r));
      }),
      { numRuns: 500 },
    );
  });

  it("wrong types anywhere in the request", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), fc.anything(), async (method, targetUri, headers) => {
        const r = await verify({ method, targetUri, headers });
        expect(r.ok).toBe(false);
        expect(VERIFY_FAILURE_CODES).toContain(code(r));
      }),
      { numRuns: 300 },
    );
    for (const req of [null, undefined, 42, "GET /", [], { ...good, headers: { "Signature-Input": 5, Signature: {} } }]) {
      expect(VERIFY_FAILURE_CODES).toContain(code(await verify(req)));
    }
  });

  it("huge headers are rejected before parsing and before any key lookup", async () => {
    const lookup = vi.fn(resolveKey);
    const huge = `sig1=("@method");created=1;keyid="${"k".repeat(1_000_000)}"`;
    const started = performance.now();
    expect(code(await verify(withSig(huge), lookup))).toBe("signature_malformed");
    expect(code(await verify(withSig(goodInput, `sig1=:${"A".repeat(10_000)}:`), lookup))).toBe("signature_malformed");
    expect(performance.now() - started).toBeLessThan(100);
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe("specific malformations are signature_malformed", () => {
  const params = ';created=1760000000;expires=1760000300;nonce="abcdefghijklmnopqrstuvwx";keyid="k"';
  it.each<[string, string | undefined, string | undefined]>([
    ["17 labels", Array.from({ length: 17 }, (_, i) => `s${i}=("@method")${params}`).join(", "), undefined],
    ["33 components", `sig1=(${Array.from({ length: 33 }, (_, i) => `"x-h${i}"`).join(" ")})${params}`, undefined],
    ["a duplicated label", `${goodInput}, ${goodInput}`, undefined],
    ["a duplicated Signature label", undefined, `${goodSig}, ${goodSig}`],
    ["a duplicated component", goodInput.replace('"@method"', '"@method" "@method"'), undefined],
    ["a token instead of a string component", goodInput.replace('"@method"', "method"), undefined],
    ["an item instead of an inner list", 'sig1="@method"', undefined],
    ["created as a string", goodInput.replace(/created=\d+/, 'created="1"'), undefined],
    ["created negative", goodInput.replace(/created=\d+/, "created=-5"), undefined],
    ["created as a decimal", goodInput.replace(/created=\d+/, "created=1760000000.5"), undefined],
    ["expires before created", goodInput.replace(/expires=\d+/, "expires=1"), undefined],
    ["keyid as a token", goodInput.replace(/keyid="[^"]+"/, "keyid=abc"), undefined],
    ["an empty keyid", goodInput.replace(/keyid="[^"]+"/, 'keyid=""'), undefined],
    ["@signature-params covered", goodInput.replace('"@method"', '"@method" "@signature-params"'), undefined],
    ["a signature that is not a byte sequence", undefined, 'sig1="abc"'],
    ["a short signature", undefined, "sig1=:AAAA:"],
    ["a trailing comma", `${goodInput},`, undefined],
  ])("%s", async (_name, input, sig) => {
    expect(code(await verify(withSig(input ?? goodInput, sig ?? goodSig)))).toBe("signature_malformed");
  });

  it("several field lines are combined before parsing (RFC 9110)", async () => {
    const twoLines = { ...good, headers: [...Object.entries(good.headers as Record<string, string>).filter(([k]) => k !== "Signature-Input"), ["Signature-Input", goodInput], ["signature-input", goodInput]] as [string, string][] };
    expect(code(await verify(twoLines))).toBe("signature_malformed"); // same label twice
    expect(code(await verify(good))).toBe("ok");
  });
});
