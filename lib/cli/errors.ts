/**
 * CLI failures. Every failure reaches the user as ONE line on stderr,
 * `pteri: <message>`, and a non-zero exit status; never a stack trace.
 */
export const EXIT = {
  ok: 0,
  /** The operation failed: invalid signature, unreadable file, network error... */
  failure: 1,
  /** The command line is wrong: unknown option, missing argument. */
  usage: 2,
  /** The server answered 4xx or 5xx (like curl --fail). */
  httpError: 22,
} as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A command-line mistake; the message points at the command's --help. */
export class UsageError extends CliError {
  constructor(message: string, command?: string) {
    super(`${message}; see: pteri ${command ? `${command} ` : ""}--help`, EXIT.usage);
    this.name = "UsageError";
  }
}

/** One line, whatever the error: control characters and line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}
