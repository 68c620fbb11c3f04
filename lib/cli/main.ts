/**
 * The `pteri` command line: a registry of commands (one file each under
 * commands/), global --help and --version, and the single place where errors
 * become one `pteri: ...` line and an exit status.
 */
import { PTERI_VERSION } from "../version";
import type { Command } from "./command";
import { auditExport } from "./commands/audit-export";
import { auditVerify } from "./commands/audit-verify";
import { auditVerifyReceipt } from "./commands/audit-verify-receipt";
import { enroll } from "./commands/enroll";
import { httpSign } from "./commands/http-sign";
import { httpVerify } from "./commands/http-verify";
import { intentStatus, intentSubmit } from "./commands/intent";
import { intentReceipt } from "./commands/intent-receipt";
import { keygen } from "./commands/keygen";
import { policyTest } from "./commands/policy-test";
import { rekey } from "./commands/rekey";
import { request } from "./commands/request";
import { CliError, EXIT, UsageError } from "./errors";
import { printDiagnostic, printError, printJson, printLine } from "./output";

/** Every command, in the order `pteri --help` lists them. */
export const COMMANDS: readonly Command[] = [keygen, enroll, rekey, intentSubmit, intentStatus, intentReceipt, request, httpSign, httpVerify, auditExport, auditVerify, auditVerifyReceipt, policyTest];

function listing(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n");
}

function topHelp(): string {
  return `Usage: pteri <command> [options]

PTERI machine CLI: keys, signed HTTP requests (RFC 9421), intents and a signature debugger.

Commands:
${listing(COMMANDS)}

Global options:
  -h, --help        Show help (also after any command: pteri request --help)
  -V, --version     Print the version (with --json: {"version": ...})

Errors are one line on stderr starting with "pteri: ". Exit status: 0 success, 1 failure,
2 usage error, 22 HTTP 4xx/5xx answer (pteri request); pteri intent: 3 denied, rejected or
expired, 4 pending, 5 executed. Set PTERI_DEBUG=1 to add stack traces.
`;
}

/** Longest command name that prefixes argv, e.g. "http verify" for ["http", "verify", ...]. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  for (const command of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

async function dispatch(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    printLine(topHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-V") {
    if (argv.includes("--json")) printJson({ version: PTERI_VERSION });
    else printLine(`pteri ${PTERI_VERSION}`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (found) return found.command.execute(found.rest);
  // A group name alone ("pteri http") lists its sub-commands.
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0) {
    const sub = argv[1];
    if (sub !== undefined && sub !== "--help" && sub !== "-h") throw new UsageError(`unknown command "${first} ${sub}"`, first);
    printLine(`Usage: pteri ${first} <command> [options]\n\nCommands:\n${listing(group)}\n`);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  throw new UsageError(`unknown command ${JSON.stringify(first)}`);
}

/** Runs the CLI; resolves to the exit status. Never throws, never prints a stack trace unless PTERI_DEBUG is set. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error) {
    if (process.env.PTERI_DEBUG && error instanceof Error && error.stack) printDiagnostic(error.stack);
    if (error instanceof CliError) {
      printError(error.message);
      return error.exitCode;
    }
    // SDK and protocol errors carry a sentence meant for people; anything else is still one line.
    printError(error instanceof Error ? error.message || error.name : String(error));
    return EXIT.failure;
  }
}
