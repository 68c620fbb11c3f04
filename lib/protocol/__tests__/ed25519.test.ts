import { describe, expect, it } from "vitest";
import * as ed from "@noble/ed25519";
import { hexDecode, utf8Encode } from "../encoding";
import { nobleEd25519, nobleVerifySync } from "../ed25519-noble";
import { nodeEd25519, nodeKeyCacheSize, verifySync } from "../ed25519-node";
import type { Ed25519Backend } from "../ed25519";
import { loadVector, type WycheproofFile } from "./vectors";

const wycheproof = loadVector<WycheproofFile>("wycheproof_ed25519.json");
const cases = wycheproof.testGroups.flatMap((g) =>
  g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })),
);

describe("Wycheproof Ed25519 vectors", () => {
  it("has all 151 vectors (88 valid, 63 invalid)", () => {
    expect(cases).toHaveLength(151);
    expect(wycheproof.numberOfTests).toBe(151);
    expect(cases.filter((c) => c.result === "valid")).toHaveLength(88);
  });

  for (const backend of [nobleEd25519, nodeEd25519]) {
    it(`${backend.name} back end agrees with every expected result`, async () => {
      const disagreements: number[] = [];
      for (const c of cases) {
        const ok = await backend.verify(hexDecode(c.pk), hexDecode(c.msg), hexDecode(c.sig));
        if (ok !== (c.result === "valid")) disagreements.push(c.tcId);
      }
      expect(disagreements).toEqual([]);
    });
  }

  it("needs strict mode: noble's ZIP-215 default accepts tcId 151 (R with y = 1 and the sign bit set)", () => {
    const c = cases.find((t) => t.tcId === 151);
    if (!c) throw new Error("tcId 151 missing");
    expect(c.result).toBe("invalid");
    expect(ed.verify(hexDecode(c.sig), hexDecode(c.msg), hexDecode(c.pk))).toBe(true); // ZIP-215
    expect(nobleVerifySync(hexDecode(c.pk), hexDecode(c.msg), hexDecode(c.sig))).toBe(false);
  });

  it("sync verifiers agree with the async ones", () => {
    for (const c of cases) {
      const expected = c.result === "valid";
      expect(verifySync(hexDecode(c.pk), hexDecode(c.msg), hexDecode(c.sig))).toBe(expected);
      expect(nobleVerifySync(hexDecode(c.pk), hexDecode(c.msg), hexDecode(c.sig))).toBe(expected);
    }
  });
});

describe.each<Ed25519Backend>([nobleEd25519, nodeEd25519])("$name back end", (backend) => {
  const seed = hexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const rfc8032Pub = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  const rfc8032Sig =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  it("derives the RFC 8032 test 1 public key and signature", async () => {
    expect(Buffer.from(await backend.publicKeyFromSeed(seed)).toString("hex")).toBe(rfc8032Pub);
    const sig = await backend.sign(seed, new Uint8Array(0));
    expect(Buffer.from(sig).toString("hex")).toBe(rfc8032Sig);
    expect(await backend.verify(hexDecode(rfc8032Pub), new Uint8Array(0), sig)).toBe(true);
  });

  it("returns false (never throws) on malformed keys and signatures", async () => {
    const msg = utf8Encode("hello");
    const sig = await backend.sign(seed, msg);
    const pub = await backend.publicKeyFromSeed(seed);
    expect(await backend.verify(pub.subarray(0, 31), msg, sig)).toBe(false);
    expect(await backend.verify(pub, msg, sig.subarray(0, 63))).toBe(false);
    expect(await backend.verify(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
    expect(await backend.verify(pub, msg, new Uint8Array(64))).toBe(false);
    // wrong runtime types, as hostile callers could pass
    expect(await backend.verify("x" as unknown as Uint8Array, msg, sig)).toBe(false);
    expect(await backend.verify(pub, null as unknown as Uint8Array, sig)).toBe(false);
  });

  it("rejects a seed of the wrong length when signing", async () => {
    await expect(backend.sign(new Uint8Array(31), new Uint8Array(0))).rejects.toThrow(/32 bytes/);
  });

  it("cross-verifies with the other back end", async () => {
    const other = backend === nobleEd25519 ? nodeEd25519 : nobleEd25519;
    const msg = utf8Encode("cross check");
    const sig = await backend.sign(seed, msg);
    expect(await other.verify(await other.publicKeyFromSeed(seed), msg, sig)).toBe(true);
  });
});

describe("node back end key cache", () => {
  it("is bounded and does not cache unparseable keys", () => {
    const before = nodeKeyCacheSize();
    for (let i = 0; i < 5000; i++) {
      const pk = new Uint8Array(32);
      new DataView(pk.buffer).setUint32(0, i);
      verifySync(pk, new Uint8Array(0), new Uint8Array(64));
    }
    expect(nodeKeyCacheSize()).toBeLessThanOrEqual(4096);
    expect(nodeKeyCacheSize()).toBeGreaterThanOrEqual(before);
  });
});
