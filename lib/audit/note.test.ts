import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { base64Decode, base64Encode, hexEncode, utf8Encode } from "../protocol/encoding";
import { nobleEd25519 } from "../protocol/ed25519-noble";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { MAX_NOTE_SIGNATURES, formatVkey, noteKeyId, parseVkey, signNote, verifyNote, type NoteKey } from "./note";

// golang.org/x/mod/sumdb/note note_test.go. Nothing here is trusted as-is: the
// tests recompute the public key from the seed, the key IDs from the keys, and
// the signature (Ed25519 is deterministic) or verify it with the public key.
const VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const SKEY_B64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"; // from PRIVATE+KEY+PeterNeumann+c74f20a3+...
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const NOTE = TEXT + "\n" + PETER_SIG;

const skey = base64Decode(SKEY_B64);
const peter = { name: "PeterNeumann", seed: skey.slice(1) };

describe.each([nobleEd25519, nodeEd25519])("signed note with the $name back end", (backend) => {
  it("reproduces the Go reference key, key ID, vkey and signature byte for byte", async () => {
    expect(skey[0]).toBe(0x01);
    const publicKey = await backend.publicKeyFromSeed(peter.seed);
    expect(hexEncode(noteKeyId("PeterNeumann", publicKey))).toBe("c74f20a3");
    expect(formatVkey({ name: "PeterNeumann", publicKey })).toBe(VKEY);
    expect(await signNote(TEXT, { ...peter, publicKey }, backend)).toBe(NOTE);
  });

  it("verifies the reference note with a vkey string or a {name, publicKey} key", async () => {
    expect(await verifyNote(NOTE, [VKEY], backend)).toEqual({ ok: true, body: TEXT, verifiedBy: ["PeterNeumann"] });
    const parsed = parseVkey(VKEY);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(await verifyNote(utf8Encode(NOTE), [{ name: "PeterNeumann", publicKey: parsed.key.publicKey }], backend)).toMatchObject({ ok: true });
  });

  it("ignores unknown signers but needs one known signature (Go's TestOpen cases)", async () => {
    const both = TEXT + "\n" + PETER_SIG + ENOCH_SIG;
    expect(await verifyNote(both, [VKEY], backend)).toMatchObject({ ok: true, verifiedBy: ["PeterNeumann"] });
    expect(await verifyNote(both, [ENOCH_VKEY], backend)).toMatchObject({ ok: true, verifiedBy: ["EnochRoot"] });
    expect(await verifyNote(both, [VKEY, ENOCH_VKEY], backend)).toMatchObject({ ok: true, verifiedBy: ["PeterNeumann", "EnochRoot"] });
    expect(await verifyNote(both, [], backend)).toMatchObject({ ok: false, code: "no_known_signature" });
    const repeated = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + ENOCH_SIG.slice(0, 60) + "ABCD" + ENOCH_SIG.slice(60);
    expect(await verifyNote(repeated, [VKEY], backend)).toMatchObject({ ok: true, verifiedBy: ["PeterNeumann"] });
  });

  it("rejects tampered notes", async () => {
    const cases: [string, string][] = [
      [NOTE.replace("cryptography", "cryptographY"), "signature_invalid"],
      [NOTE.replace("problem is.\n", "problem is!\n"), "signature_invalid"],
      [TEXT + "\n" + PETER_SIG.slice(0, 60) + "ABCD" + PETER_SIG.slice(60), "signature_invalid"], // Go's "invalid signature"
      [NOTE.replace("PeterNeumann", "PeterNeumanm"), "no_known_signature"], // another name is another (unknown) key
      [TEXT + "\n" + PETER_SIG + ENOCH_SIG.replace("rwz+", "rwz-"), "note_malformed"],
    ];
    const sigB64 = PETER_SIG.slice("— PeterNeumann ".length, -1);
    for (const [byte, code] of [[0, "no_known_signature"], [3, "no_known_signature"], [4, "signature_invalid"], [67, "signature_invalid"]] as const) {
      const raw = base64Decode(sigB64);
      raw[byte] = raw[byte]! ^ 0x01;
      cases.push([TEXT + "\n— PeterNeumann " + base64Encode(raw) + "\n", code]);
    }
    for (const [note, code] of cases) expect(await verifyNote(note, [VKEY], backend)).toMatchObject({ ok: false, code });
    // A bad signature from a known key rejects the note even when another known key verifies.
    const mixed = TEXT + "\n" + PETER_SIG + ENOCH_SIG.replace("rwz+eBzm", "rwz+eBzn");
    expect(await verifyNote(mixed, [VKEY, ENOCH_VKEY], backend)).toMatchObject({ ok: false, code: "signature_invalid" });
  });
});

describe("cross-implementation round trips", () => {
  it.each([
    { signer: nobleEd25519, verifier: nodeEd25519 },
    { signer: nodeEd25519, verifier: nobleEd25519 },
  ])("signs with $signer.name and verifies with $verifier.name", async ({ signer, verifier }) => {
    for (let i = 0; i < 5; i++) {
      const seed = new Uint8Array(randomBytes(32));
      const name = `pteri.example/log${i}`;
      const publicKey = await signer.publicKeyFromSeed(seed);
      expect(await verifier.publicKeyFromSeed(seed)).toEqual(publicKey);
      const body = `line ${i}\n\nwith an empty line and ünïcode ✓\n`;
      const note = await signNote(body, [{ name, seed }, peter], signer);
      expect(await verifyNote(note, [formatVkey({ name, publicKey })], verifier)).toEqual({ ok: true, body, verifiedBy: [name] });
      expect(await verifyNote(note, [VKEY, { name, publicKey }], verifier)).toMatchObject({ ok: true, verifiedBy: [name, "PeterNeumann"] });
    }
  });
});

describe("malformed notes are rejected without throwing", () => {
  const backend = nobleEd25519;
  const bad: [string, string | Uint8Array, string][] = [
    ["text only", TEXT, "note_malformed"],
    ["empty signature block", TEXT + "\n", "note_malformed"],
    ["missing final newline", TEXT + "\n" + PETER_SIG.slice(0, -1), "note_malformed"],
    ["control character", "\x01" + NOTE, "note_malformed"],
    ["carriage return", NOTE.replace("\n\n", "\r\n\r\n"), "note_malformed"],
    ["invalid UTF-8", Uint8Array.of(0xff, ...utf8Encode(NOTE)), "note_malformed"],
    ["lone surrogate", "\uD800" + NOTE, "note_malformed"],
    ["name with a space", TEXT + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "note_malformed"],
    ["line after signatures", NOTE + "Unexpected line.\n", "note_malformed"],
    ["hyphen instead of em dash", NOTE.replace("—", "-"), "note_malformed"],
    ["no space after the name", NOTE.replace("PeterNeumann ", "PeterNeumann"), "note_malformed"],
    ["name with a plus", NOTE.replace("PeterNeumann", "Peter+Neumann"), "note_malformed"],
    ["non-breaking space in name", NOTE.replace("PeterNeumann", "Peter\u00a0Neumann"), "note_malformed"],
    ["bad base64", NOTE.replace("x08go/", "x08go!"), "note_malformed"],
    ["unpadded base64", NOTE.replace("AM=\n", "AM\n"), "note_malformed"],
    ["non-canonical base64", NOTE.replace("AM=\n", "AN=\n"), "note_malformed"],
    ["signature shorter than 5 bytes", TEXT + "\n— PeterNeumann AAAAAA==\n", "note_malformed"],
    ["empty signature", TEXT + "\n— PeterNeumann \n", "note_malformed"],
    ["too many signature lines", TEXT + "\n" + PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1), "note_malformed"],
    ["over-long string", TEXT + "x".repeat(70_000) + "\n\n" + PETER_SIG, "note_too_large"],
    ["over-long bytes", utf8Encode(TEXT + "é".repeat(40_000) + "\n\n" + PETER_SIG), "note_too_large"],
  ];
  it.each(bad)("%s", async (_name, note, code) => {
    expect(await verifyNote(note, [VKEY], backend)).toMatchObject({ ok: false, code });
  });

  it("does not strip a leading byte-order mark from byte input", async () => {
    // Stripping it would accept a second byte spelling of the signed note.
    const withBom = Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8Encode(NOTE));
    expect(await verifyNote(withBom, [VKEY], backend)).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(await verifyNote(utf8Encode(NOTE), [VKEY], backend)).toMatchObject({ ok: true });
  });

  it("accepts 16 unknown signatures next to a known one (the spec's minimum)", async () => {
    const other = TEXT + "\n" + ENOCH_SIG.repeat(1) + Array.from({ length: 16 }, (_, i) => `— w${i}.example ${base64Encode(new Uint8Array(68).fill(i))}\n`).join("") + PETER_SIG;
    expect(await verifyNote(other, [VKEY], backend)).toMatchObject({ ok: true });
  });

  it("answers typed errors for hostile arguments", async () => {
    const call = verifyNote as (...a: unknown[]) => Promise<{ ok: boolean; code?: string }>;
    for (const note of [null, undefined, 42, {}, [NOTE]]) expect(await call(note, [VKEY], backend)).toMatchObject({ ok: false, code: "note_malformed" });
    for (const keys of [null, "x", [42], ["nonsense"], [{ name: "a b", publicKey: new Uint8Array(32) }], [{ name: "a", publicKey: new Uint8Array(31) }]]) {
      expect(await call(NOTE, keys, backend)).toMatchObject({ ok: false, code: "key_invalid" });
    }
    const throwing = { ...backend, verify: async () => { throw new Error("boom"); } };
    expect(await call(NOTE, [VKEY], throwing)).toMatchObject({ ok: false });
  });
});

describe("verifier keys (vkey)", () => {
  it("rejects every substring and every single-byte change of a valid vkey (Go's TestNewVerifier)", () => {
    expect(parseVkey(VKEY).ok).toBe(true);
    for (let i = 0; i <= VKEY.length; i++) {
      for (let j = i + 1; j <= VKEY.length; j++) {
        if (i !== 0 || j !== VKEY.length) expect(parseVkey(VKEY.slice(i, j)).ok, VKEY.slice(i, j)).toBe(false);
      }
    }
    for (let i = 0; i < VKEY.length; i++) {
      const changed = VKEY.slice(0, i) + String.fromCharCode(VKEY.charCodeAt(i) + 1) + VKEY.slice(i + 1);
      expect(parseVkey(changed).ok, changed).toBe(false);
    }
    expect(parseVkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==").ok).toBe(false);
    expect(parseVkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok).toBe(false);
    for (const v of [null, 7, "", "+", "a+b+c", "x".repeat(5000)]) expect(parseVkey(v).ok).toBe(false);
  });

  it("round-trips formatVkey/parseVkey and accepts upper-case key IDs", () => {
    const parsed = parseVkey(ENOCH_VKEY);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(formatVkey(parsed.key)).toBe(ENOCH_VKEY);
    expect(parseVkey(ENOCH_VKEY.replace("af0cfe78", "AF0CFE78")).ok).toBe(true);
  });
});

describe("signing rejects bad configuration", () => {
  const pk = async () => nobleEd25519.publicKeyFromSeed(peter.seed);
  it.each([
    ["text without final newline", "abc", peter],
    ["empty text", "", peter],
    ["control character in text", "a\tb\n", peter],
    ["name with space", TEXT, { ...peter, name: "Peter Neumann" }],
    ["name with plus", TEXT, { ...peter, name: "a+b" }],
    ["short seed", TEXT, { ...peter, seed: new Uint8Array(31) }],
    ["no signers", TEXT, []],
  ])("%s", async (_n, text, signer) => {
    await expect(signNote(text, signer as never, nobleEd25519)).rejects.toThrow(TypeError);
  });
  it("a public key that does not match the seed", async () => {
    const wrong: NoteKey["publicKey"] = (await pk()).map((b, i) => (i === 0 ? b ^ 1 : b));
    await expect(signNote(TEXT, { ...peter, publicKey: wrong }, nobleEd25519)).rejects.toThrow(/does not match/);
    expect(() => formatVkey({ name: "x y", publicKey: new Uint8Array(32) })).toThrow(TypeError);
  });
});
