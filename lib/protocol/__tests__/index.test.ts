import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as protocol from "../index";

const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "__tests__" ? [] : sourceFiles(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("portable surface", () => {
  it("re-exports the public API", () => {
    for (const name of [
      "nobleEd25519", "base64UrlEncode", "parsePublicKey", "parsePrivateKey", "jwkThumbprint", "fingerprint", "generateKeyPair",
      "canonicalJson", "hashDocument", "createContentDigest", "checkContentDigest", "buildSignatureBase", "signRequest",
      "verifyRequest", "checkSignedContentDigest", "VERIFY_FAILURE_CODES", "PTERI_SIGNATURE_RULES",
    ]) {
      expect(protocol, name).toHaveProperty(name);
    }
    expect(protocol).not.toHaveProperty("nodeEd25519");
    expect(protocol).not.toHaveProperty("verifySync");
  });

  it("only ed25519-node.ts imports node built-ins; nothing imports React or Next", () => {
    for (const file of sourceFiles(ROOT)) {
      const text = readFileSync(file, "utf8");
      const imports = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(imports.filter((i) => /^(react|next)(\/|$)/.test(i)), file).toEqual([]);
      if (path.basename(file) !== "ed25519-node.ts") {
        expect(imports.filter((i) => i.startsWith("node:")), file).toEqual([]);
        expect(text, file).not.toMatch(/\bBuffer\./);
      }
      expect(imports.some((i) => i.includes("ed25519-node")) && path.basename(file) !== "ed25519-node.ts", file).toBe(false);
    }
  });
});
