/**
 * pteri rekey: replaces the machine's key. The request is signed with the current key and
 * carries the new public key with a proof signed by the new key over the key-change statement
 * for this server (lib/sdk/enroll.ts). The server revokes the old key in the same transaction.
 *
 * The new key is generated into --out (default: the current key file's path + ".new"; never
 * overwritten) unless --new-key names an existing one. A generated key is deleted again when
 * the change certainly did not happen (a 4xx refusal, or no connection), kept when the outcome
 * is unknown.
 */
import path from "node:path";
import type { PrivateKeyInfo } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { readPrivateKeyFile, rekeyMachine } from "../../sdk/node";
import { defineCommand, required } from "../command";
import { UsageError } from "../errors";
import { printJson, printLine } from "../output";
import { failure, serverOption, writeNewKey } from "./enroll";

/** Default --out: the current key file with this appended. */
export const NEW_KEY_SUFFIX = ".new";

export const rekey = defineCommand({
  name: "rekey",
  summary: "Replace this machine's key (the old key is revoked)",
  description:
    "Replaces the machine's key: signs a key-change request with the current key, proving possession\n" +
    "of the new key too. On success the server revokes the old key at once: from then on sign with\n" +
    "the new key file.",
  usage: "rekey --server URL --key FILE [--new-key FILE | --out FILE] [--json]",
  help: `Options:
  --server URL      The Console's address, e.g. https://pteri.example.com
  --key FILE        The machine's current private key
  --new-key FILE    Switch to this existing private key (e.g. made with pteri keygen)
  --out FILE        Without --new-key: where to write the new key (default: the --key path
                    followed by "${NEW_KEY_SUFFIX}"); never overwritten. Deleted again when the
                    change certainly failed (refused, or the server could not be reached)

Example:
  pteri rekey --server https://pteri.example.com --key /etc/pteri/machine.pem
  mv /etc/pteri/machine.pem.new /etc/pteri/machine.pem

With --json: {"machineId", "oldKeyId", "newKeyId", "fingerprint", "newKeyFile"}.

Exit status: 0 changed, 1 refused by the server (one line with its code and detail), a key
file exists or is unreadable, server unreachable; 2 on a usage error.`,
  options: {
    server: { type: "string" },
    key: { type: "string" },
    "new-key": { type: "string" },
    out: { type: "string", short: "o" },
  },
  async run({ values }) {
    const server = serverOption(values.server, "rekey");
    const keyFile = required(values.key, "--key FILE", "rekey", "the machine's current private key");
    if (values["new-key"] !== undefined && values.out !== undefined) {
      throw new UsageError("--new-key uses an existing key and --out names a new one: give one or the other", "rekey");
    }
    const current = await readPrivateKeyFile(keyFile);
    let next: PrivateKeyInfo;
    let newKeyFile: string;
    let created: string | null = null;
    if (values["new-key"] !== undefined) {
      next = await readPrivateKeyFile(values["new-key"]);
      newKeyFile = path.resolve(values["new-key"]);
      if (next.publicKey.keyId === current.publicKey.keyId) throw new UsageError("--new-key is the same key as --key", "rekey");
    } else {
      ({ key: next, file: newKeyFile } = await writeNewKey(values.out ?? `${keyFile}${NEW_KEY_SUFFIX}`));
      created = newKeyFile;
    }
    let result;
    try {
      result = await rekeyMachine({ server, key: current.seed, newKey: next.seed, backend: nodeEd25519 });
    } catch (error) {
      const retry = `if the Console shows key id ${next.publicKey.keyId} for this machine, use it; otherwise run again with --new-key ${newKeyFile}`;
      throw await failure("key change", server, error, created, retry);
    }
    const { machineId, oldKeyId, newKeyId, fingerprint } = result;
    if (values.json) {
      printJson({ machineId, oldKeyId, newKeyId, fingerprint, newKeyFile });
      return 0;
    }
    printLine(`Changed the key of machine ${machineId} at ${server}.`);
    printLine(`new key id:    ${newKeyId}`);
    printLine(`fingerprint:   ${fingerprint}`);
    printLine(`new key file:  ${newKeyFile}${created ? " (new, mode 0600)" : ""}`);
    printLine(`old key id:    ${oldKeyId} (revoked)`);
    printLine();
    printLine(`The old key in ${path.resolve(keyFile)} is now revoked: the server refuses it from the next request.`);
    printLine(`Sign with ${newKeyFile} from now on; move it in place of the old file if your configuration names that path.`);
    return 0;
  },
});
