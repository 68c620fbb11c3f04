/**
 * pteri enroll: enrolls this machine with a Console using a one-time ticket. The key is made
 * here (or read from --key) and never leaves the machine; the request is signed with it, which
 * proves possession and binds the ticket, the public key and the server (lib/sdk/enroll.ts).
 *
 * Key files are never overwritten. A key this run generated is deleted again when it was
 * certainly not enrolled: the server refused (a 4xx answer; refusals change nothing) or could
 * not be reached at all (connection refused, unknown host, bad certificate). When the outcome
 * is unknown (connection lost, a 5xx, an unreadable answer) it is kept, so the same ticket can
 * be retried with --key.
 *
 * Also home to what `rekey` shares: the server option, writing a new key, failure reports.
 */
import { unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateKeyPair, type PrivateKeyInfo } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { isTicketShaped, TICKET_PREFIX } from "../../machines/wire";
import { enrollMachine, PteriSdkError, PteriServerError, readPrivateKeyFile, serverBaseUrl } from "../../sdk/node";
import { defineCommand, required } from "../command";
import { CliError, UsageError } from "../errors";
import { printJson, printLine } from "../output";

/** Where `pteri enroll` writes a new key without --out: this file in the current directory. */
export const DEFAULT_ENROLL_KEY_FILE = "pteri-machine.pem";
/** The environment variable that can carry the ticket (keeps it out of shell history). */
export const TICKET_ENV = "PTERI_ENROLLMENT_TICKET";

const WHY: Record<string, string> = {
  EEXIST: "the file already exists; pteri never overwrites a key (choose another path, or use the existing key with --key)",
  ENOENT: "its directory does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/** --server as the Console's base URL, or a usage error (before any key is made or request sent). */
export function serverOption(value: string | undefined, command: string): string {
  const server = required(value, "--server URL", command, "the Console's address, e.g. https://pteri.example.com");
  try {
    return serverBaseUrl(server);
  } catch (error) {
    throw new UsageError(`--server: ${error instanceof Error ? error.message.replace(/\.$/, "") : String(error)}`, command);
  }
}

/** A new key written to `file` (PKCS#8 PEM, mode 0600, created atomically: never overwrites). */
export async function writeNewKey(file: string): Promise<{ key: PrivateKeyInfo; file: string }> {
  const key = await generateKeyPair(nodeEd25519);
  const absolute = path.resolve(file);
  try {
    await writeFile(absolute, key.privatePem, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new CliError(`cannot write ${JSON.stringify(absolute)}: ${WHY[code] ?? (code || String(error))}`);
  }
  return { key, file: absolute };
}

/** True when the server definitely refused (4xx): nothing changed, so a key made for it is useless. */
function refused(error: unknown): boolean {
  return error instanceof PteriServerError && error.status >= 400 && error.status < 500;
}

/** Connection failures that happen before any byte of the request is sent (no server, no DNS name, a bad certificate). */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_\w+|UNABLE_TO_\w+)$/;

function neverSent(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" && NOT_SENT.test(cause.code);
}

/**
 * One line for a failed enrollment or key change. `created` is the key file this run wrote,
 * if any: deleted when the change certainly did not happen, otherwise kept (the line says so).
 */
export async function failure(action: string, server: string, error: unknown, created: string | null, retry: string): Promise<Error> {
  let deleted = false;
  if (created && (refused(error) || neverSent(error))) {
    deleted = await unlink(created).then(
      () => true,
      () => false,
    );
  }
  let line: string;
  if (error instanceof PteriServerError) {
    const detail = error.detail.trim();
    line = refused(error) ? `${action} refused (${error.code}): ${detail}` : `${action} failed (${error.code}): ${detail}`;
  } else if (error instanceof PteriSdkError) {
    line = error.message;
  } else {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    line = `cannot reach ${server}: ${cause}`;
  }
  if (created && deleted) line += ` (the unused new key ${created} was deleted)`;
  else if (created) line += ` (the new key was kept in ${created}; ${retry})`;
  return new CliError(line);
}

export const enroll = defineCommand({
  name: "enroll",
  summary: "Enroll this machine with a Console, using a one-time ticket",
  description:
    "Enrolls this machine: creates its Ed25519 key (or uses --key) and sends a request signed with\n" +
    "it that binds the ticket, the public key and the server. Prints the key's fingerprint: compare\n" +
    "it with the one the Console shows before confirming. The private key never leaves this machine.",
  usage: "enroll --server URL --ticket TICKET [--key FILE | --out FILE] [--json]",
  help: `Options:
  --server URL      The Console's address, e.g. https://pteri.example.com
  --ticket TICKET   The one-time enrollment ticket (pteri_et_...) from the Console. Or set
                    ${TICKET_ENV} instead, which keeps it off the command line
  --key FILE        Enroll this existing private key (PKCS#8 PEM or private JWK)
  --out FILE        Without --key: where to write the new key (default ./${DEFAULT_ENROLL_KEY_FILE});
                    never overwritten. Deleted again when the enrollment certainly failed
                    (refused by the server, or the server could not be reached)

Examples:
  pteri enroll --server https://pteri.example.com --ticket pteri_et_...
  read -rs ${TICKET_ENV} && export ${TICKET_ENV}
  pteri enroll --server https://pteri.example.com --out /etc/pteri/machine.pem

With --json: {"machineId", "keyId", "fingerprint", "status", "keyFile", "confirmationRequired"}.

Exit status: 0 enrolled, 1 refused by the server (one line with its code and detail), key file
exists or unreadable, server unreachable; 2 on a usage error, including a malformed ticket.`,
  options: {
    server: { type: "string" },
    ticket: { type: "string" },
    key: { type: "string" },
    out: { type: "string", short: "o" },
  },
  async run({ values }) {
    const server = serverOption(values.server, "enroll");
    const ticket = (values.ticket ?? process.env[TICKET_ENV] ?? "").trim();
    if (!ticket) throw new UsageError(`missing --ticket TICKET (or set ${TICKET_ENV})`, "enroll");
    // Checked before any key is made or request sent; the ticket itself is never echoed.
    if (!isTicketShaped(ticket)) {
      throw new UsageError(`the ticket is not an enrollment ticket (${TICKET_PREFIX} followed by 43 characters); copy it again from the Console`, "enroll");
    }
    if (values.key !== undefined && values.out !== undefined) {
      throw new UsageError("--key enrolls an existing key and --out names a new one: give one or the other", "enroll");
    }
    let key: PrivateKeyInfo;
    let keyFile: string;
    let created: string | null = null;
    if (values.key !== undefined) {
      key = await readPrivateKeyFile(values.key);
      keyFile = path.resolve(values.key);
    } else {
      ({ key, file: keyFile } = await writeNewKey(values.out ?? DEFAULT_ENROLL_KEY_FILE));
      created = keyFile;
    }
    let result;
    try {
      result = await enrollMachine({ server, ticket, key: key.seed, backend: nodeEd25519 });
    } catch (error) {
      throw await failure("enrollment", server, error, created, `if the Console does not list this machine, run again with --key ${keyFile}`);
    }
    const { machineId, keyId, fingerprint, status, confirmationRequired } = result;
    if (values.json) {
      printJson({ machineId, keyId, fingerprint, status, keyFile, confirmationRequired });
      return 0;
    }
    printLine(`Enrolled this machine with ${server}.`);
    printLine();
    printLine(`  fingerprint:  ${fingerprint}`);
    printLine();
    if (confirmationRequired) {
      printLine("Compare this fingerprint with the one shown in the Console before confirming.");
      printLine("The machine becomes active when an operator confirms that they match.");
    } else {
      printLine("The ticket did not require confirmation: the machine is enrolled without an operator's check.");
    }
    printLine();
    printLine(`machine id:   ${machineId}`);
    if (result.machine.name) printLine(`name:         ${result.machine.name}`);
    printLine(`key id:       ${keyId}`);
    printLine(`status:       ${status}`);
    printLine(`key file:     ${keyFile}${created ? " (new, mode 0600)" : ""}`);
    printLine();
    printLine(`The private key in ${keyFile} is this machine's identity: keep it here, never share it.`);
    printLine(`Sign requests with it: pteri request --key ${keyFile} URL`);
    return 0;
  },
});
