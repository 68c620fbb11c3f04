import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { base64Decode, base64Encode, hexEncode } from "../protocol/encoding";
import { nobleEd25519 } from "../protocol/ed25519-noble";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { MAX_CHECKPOINT_BYTES, formatCheckpoint, formatVkey, parseCheckpoint, signNote, verifyCheckpoint, verifyNote } from "./checkpoint";
import { StreamingTree, emptyRoot, leafHash } from "./merkle";

// The example from c2sp.org/tlog-checkpoint (its signing key is not published).
const SPEC_EXAMPLE =
  "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n" +
  "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

const ORIGIN = "pteri.example/audit";
const seed = new Uint8Array(32).map((_, i) => i * 7 + 1);
const logSigner = { name: ORIGIN, seed };
const witnessSeed = new Uint8Array(32).fill(9);

async function logKey() {
  return { name: ORIGIN, publicKey: await nobleEd25519.publicKeyFromSeed(seed) };
}

function treeOf(n: number) {
  const t = new StreamingTree();
  for (let i = 0; i < n; i++) t.push(leafHash(Uint8Array.of(i & 0xff, i >> 8)));
  return t;
}

describe("checkpoint body", () => {
  it("formats the three mandatory lines and extension lines", () => {
    const root = base64Decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    const body = formatCheckpoint({ origin: "example.com/behind-the-sofa", size: 20852163, rootHash: root });
    expect(body).toBe(SPEC_EXAMPLE.slice(0, SPEC_EXAMPLE.indexOf("\n\n") + 1));
    expect(formatCheckpoint({ origin: "o", size: 0, rootHash: emptyRoot(), extensions: ["a b", "c"] })).toBe(
      "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\na b\nc\n",
    );
  });

  it("parses the spec example strictly and round-trips random checkpoints", () => {
    const parsed = parseCheckpoint(SPEC_EXAMPLE.slice(0, SPEC_EXAMPLE.indexOf("\n\n") + 1));
    expect(parsed).toMatchObject({ ok: true, checkpoint: { origin: "example.com/behind-the-sofa", size: 20852163, extensions: [] } });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f]/.test(s)),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const text = formatCheckpoint({ origin, size, rootHash, extensions });
          expect(parseCheckpoint(text)).toEqual({ ok: true, checkpoint: { origin, size, rootHash, extensions } });
        },
      ),
    );
  });

  const good = "o\n5\n" + base64Encode(new Uint8Array(32)) + "\n";
  it.each([
    ["no trailing newline", good.slice(0, -1)],
    ["missing root line", "o\n5\n"],
    ["empty origin", good.replace(/^o/, "")],
    ["leading zero in size", good.replace("\n5\n", "\n05\n")],
    ["signed size", good.replace("\n5\n", "\n+5\n")],
    ["negative size", good.replace("\n5\n", "\n-5\n")],
    ["hex size", good.replace("\n5\n", "\n0x5\n")],
    ["non-decimal size", good.replace("\n5\n", "\n5e3\n")],
    ["size with space", good.replace("\n5\n", "\n 5\n")],
    ["size beyond 2^53", good.replace("\n5\n", "\n9007199254740993\n")],
    ["unpadded root", good.replace("=\n", "\n")],
    ["url-safe root", "o\n5\n" + base64Encode(new Uint8Array(32).fill(0xfb)).replace(/\//g, "_") + "\n"],
    ["31-byte root", "o\n5\n" + base64Encode(new Uint8Array(31)) + "\n"],
    ["33-byte root", "o\n5\n" + base64Encode(new Uint8Array(33)) + "\n"],
    ["empty extension line", good + "\next\n"],
    ["CR line endings", good.replace(/\n/g, "\r\n")],
    ["tab in origin", good.replace(/^o/, "o\t")],
    ["over-long", good + "x".repeat(MAX_CHECKPOINT_BYTES) + "\n"],
    ["not a string", 42],
  ])("rejects %s", (_name, text) => {
    expect(parseCheckpoint(text)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  it("refuses to format a checkpoint it could not parse back", () => {
    const rootHash = new Uint8Array(32);
    expect(() => formatCheckpoint({ origin: "", size: 1, rootHash })).toThrow();
    expect(() => formatCheckpoint({ origin: "a\nb", size: 1, rootHash })).toThrow();
    expect(() => formatCheckpoint({ origin: "o", size: -1, rootHash })).toThrow();
    expect(() => formatCheckpoint({ origin: "o", size: 1.5, rootHash })).toThrow();
    expect(() => formatCheckpoint({ origin: "o", size: 1, rootHash: new Uint8Array(31) })).toThrow();
    expect(() => formatCheckpoint({ origin: "o", size: 1, rootHash, extensions: [""] })).toThrow();
  });
});

describe("signed checkpoints", () => {
  it("round-trips sign -> verify across both back ends", async () => {
    const tree = treeOf(1000);
    const body = formatCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root() });
    const key = await logKey();
    const note = await signNote(body, logSigner, nodeEd25519);
    for (const backend of [nobleEd25519, nodeEd25519]) {
      const res = await verifyCheckpoint(note, [formatVkey(key)], backend, { origin: ORIGIN });
      expect(res).toMatchObject({ ok: true, verifiedBy: [ORIGIN], checkpoint: { origin: ORIGIN, size: 1000 } });
      if (res.ok) expect(hexEncode(res.checkpoint.rootHash)).toBe(hexEncode(tree.root()));
    }
  });

  it("still verifies with an extra witness cosignature from an unknown key", async () => {
    const body = formatCheckpoint({ origin: ORIGIN, size: 3, rootHash: treeOf(3).root() });
    const note = await signNote(body, [logSigner, { name: "witness.example/w1", seed: witnessSeed }], nobleEd25519);
    expect(await verifyCheckpoint(note, [await logKey()], nobleEd25519)).toMatchObject({ ok: true, verifiedBy: [ORIGIN] });
  });

  it("rejects tampering with origin, size, root, signature and key name", async () => {
    const tree = treeOf(17);
    const body = formatCheckpoint({ origin: ORIGIN, size: 17, rootHash: tree.root() });
    const note = await signNote(body, logSigner, nobleEd25519);
    const keys = [await logKey()];
    const otherRoot = base64Encode(treeOf(16).root());
    const sigStart = note.lastIndexOf(" ") + 1;
    const sig = base64Decode(note.slice(sigStart, -1));
    sig[10] = sig[10]! ^ 0x80;
    const cases: [string, string][] = [
      [note.replace(ORIGIN + "\n17", "pteri.example/audiT\n17"), "signature_invalid"],
      [note.replace("\n17\n", "\n18\n"), "signature_invalid"],
      [note.replace("\n17\n", "\n170\n"), "signature_invalid"],
      [note.replace(base64Encode(tree.root()), otherRoot), "signature_invalid"],
      [note.slice(0, sigStart) + base64Encode(sig) + "\n", "signature_invalid"],
      [note.replace("— " + ORIGIN, "— pteri.example/other"), "no_known_signature"],
      [note.replace("\n\n", "\n"), "note_malformed"],
    ];
    for (const [tampered, code] of cases) expect(await verifyCheckpoint(tampered, keys, nobleEd25519)).toMatchObject({ ok: false, code });
  });

  it("checks the origin and the body format after the signature", async () => {
    const body = formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: treeOf(1).root() });
    const note = await signNote(body, logSigner, nobleEd25519);
    expect(await verifyCheckpoint(note, [await logKey()], nobleEd25519, { origin: "pteri.example/other" })).toMatchObject({ ok: false, code: "origin_mismatch" });
    const notACheckpoint = await signNote("hello\n", logSigner, nobleEd25519);
    expect(await verifyNote(notACheckpoint, [await logKey()], nobleEd25519)).toMatchObject({ ok: true });
    expect(await verifyCheckpoint(notACheckpoint, [await logKey()], nobleEd25519)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  it("ignores the spec example's signature from an unknown key", async () => {
    expect(await verifyCheckpoint(SPEC_EXAMPLE, [await logKey()], nobleEd25519)).toMatchObject({ ok: false, code: "no_known_signature" });
  });
});
