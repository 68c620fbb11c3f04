import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePrivateKey } from "../../protocol";
import { expectOneErrorLine, runCli, tempDir } from "./run";

describe("pteri keygen", () => {
  it("writes a PKCS#8 PEM with mode 0600 and prints key id, fingerprint and public JWK", async () => {
    const file = path.join(tempDir(), "machine.pem");
    const r = await runCli(["keygen", "--out", file]);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = parsePrivateKey(readFileSync(file, "utf8"));
    if (!key.ok) throw new Error(key.reason);
    expect(r.stdout).toContain(`key id:       ${key.key.publicKey.keyId}`);
    expect(r.stdout).toMatch(/fingerprint: {2}SHA256:\S{4} \S{4} \S{4} \S{4}/);
    expect(r.stdout).toContain(JSON.stringify(key.key.publicKey.jwk));
    expect(r.stdout).not.toContain("PRIVATE KEY");
  });

  it("--json prints exactly {keyId, fingerprint, publicJwk, file}", async () => {
    const file = path.join(tempDir(), "k.pem");
    const r = await runCli(["keygen", "--out", file, "--json"]);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["keyId", "fingerprint", "publicJwk", "file"]);
    expect(out).toMatchObject({ file, publicJwk: { kty: "OKP", crv: "Ed25519" } });
    expect(out.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses to overwrite an existing file (exit 1, one line, file untouched)", async () => {
    const file = path.join(tempDir(), "existing.pem");
    writeFileSync(file, "precious");
    const r = await runCli(["keygen", "--out", file]);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/already exists; keygen never overwrites/);
    expect(readFileSync(file, "utf8")).toBe("precious");
  });

  it("needs --out (usage error, exit 2) and reports a missing directory in one line", async () => {
    const missing = await runCli(["keygen"]);
    expect(missing.code).toBe(2);
    expect(expectOneErrorLine(missing)).toMatch(/missing --out FILE/);
    const noDir = await runCli(["keygen", "--out", path.join(tempDir(), "no/such/dir/k.pem")]);
    expect(noDir.code).toBe(1);
    expect(expectOneErrorLine(noDir)).toMatch(/directory does not exist/);
  });
});
