import fs from "node:fs";
import { writeTransaction } from "../../lib/db/transaction";
import { MachineError } from "../../lib/machines/errors";
import { registerMachine } from "../../lib/machines/repository";
import { MAX_KEY_INPUT_LENGTH } from "../../lib/protocol/key-parse";
import { AdminUsageError, type AdminCommand } from "./command";

const USAGE = "machine-register --name NAME --public-key FILE [--tag TAG]... [--json]";

interface Options {
  name: string;
  publicKeyFile: string;
  tags: string[];
  json: boolean;
}

function parseArgs(args: string[]): Options {
  let name: string | undefined;
  let publicKeyFile: string | undefined;
  const tags: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new AdminUsageError(`${flag} needs a value. Usage: npm run admin -- ${USAGE}`);
      return v;
    };
    if (flag === "--name") name = value();
    else if (flag === "--public-key") publicKeyFile = value();
    else if (flag === "--tag") tags.push(value());
    else if (flag === "--json") json = true;
    else throw new AdminUsageError(`unknown option "${arg}". Usage: npm run admin -- ${USAGE}`);
  }
  if (!name) throw new AdminUsageError(`--name is required. Usage: npm run admin -- ${USAGE}`);
  if (!publicKeyFile) throw new AdminUsageError(`--public-key is required. Usage: npm run admin -- ${USAGE}`);
  return { name, publicKeyFile, tags, json };
}

function readKeyFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new AdminUsageError(`cannot read the public key file ${file}.`);
  }
  // A key file is tiny; refusing big files early keeps a wrong path from being slurped.
  if (!stat.isFile() || stat.size > MAX_KEY_INPUT_LENGTH) throw new AdminUsageError(`${file} is not a public key file (JWK or PEM).`);
  return fs.readFileSync(file, "utf8");
}

/**
 * Break-glass enrollment from the host, until machines enroll through the Console: registers
 * an active machine for a public key (JWK or SPKI PEM) and records `machine.registered`.
 */
export const machineRegister: AdminCommand = {
  name: "machine-register",
  summary: "Register a machine for a public key (JWK or PEM file) and print its id, key id and fingerprint.",
  usage: USAGE,
  async run(args, { db }) {
    const options = parseArgs(args);
    const publicKey = readKeyFile(options.publicKeyFile);
    try {
      const machine = await writeTransaction(db, (tx) =>
        registerMachine(tx, { name: options.name, publicKey, tags: options.tags, actor: { type: "host", id: "machine-register" } }),
      );
      const report = { id: machine.id, name: machine.name, keyId: machine.keyId, fingerprint: machine.fingerprint, status: machine.status, tags: machine.tags };
      if (options.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`machine:     ${machine.id} (${machine.name})`);
        console.log(`key id:      ${machine.keyId}`);
        console.log(`fingerprint: ${machine.fingerprint}`);
        if (machine.tags.length > 0) console.log(`tags:        ${machine.tags.join(", ")}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof MachineError) {
        if (options.json) console.log(JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2));
        console.error(`pteri admin: machine-register: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};
