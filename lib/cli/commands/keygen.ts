/**
 * pteri keygen: a new Ed25519 key for this machine. The private key is written
 * where it will live (mode 0600, never overwriting: losing a key by accident
 * is worse than a failed command) and only public information is printed.
 */
import { writeFile } from "node:fs/promises";
import { fingerprint, generateKeyPair } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { defineCommand, required } from "../command";
import { CliError } from "../errors";
import { printJson, printLine } from "../output";

const WHY: Record<string, string> = {
  EEXIST: "the file already exists; keygen never overwrites a key (choose another path or delete the old key first)",
  ENOENT: "its directory does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

export const keygen = defineCommand({
  name: "keygen",
  summary: "Create a new Ed25519 key for this machine",
  description: "Creates a new Ed25519 key. The private key is written to FILE (PKCS#8 PEM, mode 0600) and never\nprinted; the key id, fingerprint and public JWK are.",
  usage: "keygen --out FILE [--json]",
  help: `Options:
  --out FILE        Where to write the private key (must not exist yet)

Example:
  pteri keygen --out ~/.config/pteri/machine.pem

Exit status: 0 on success, 1 if FILE exists or cannot be written, 2 on a usage error.`,
  options: { out: { type: "string", short: "o" } },
  async run({ values }) {
    const out = required(values.out, "--out FILE", "keygen", "where to write the private key");
    const key = await generateKeyPair(nodeEd25519);
    try {
      // "wx": created atomically, fails if the path exists (no check-then-write race).
      await writeFile(out, key.privatePem, { mode: 0o600, flag: "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      throw new CliError(`cannot write ${JSON.stringify(out)}: ${WHY[code] ?? code}`);
    }
    const { keyId, jwk } = key.publicKey;
    const summary = { keyId, fingerprint: fingerprint(keyId), publicJwk: jwk, file: out };
    if (values.json) {
      printJson(summary);
      return 0;
    }
    printLine(`Wrote the private key to ${out} (mode 0600). Keep it on this machine; only the public key is ever shared.`);
    printLine(`key id:       ${keyId}`);
    printLine(`fingerprint:  ${summary.fingerprint}`);
    printLine(`public JWK:   ${JSON.stringify(jwk)}`);
    return 0;
  },
});
