/**
 * Where CLI output goes. Results on stdout (text, raw bytes or JSON),
 * diagnostics on stderr. Writes are left to drain on their own: the process
 * ends through process.exitCode, never process.exit(), so nothing is cut.
 */
import { oneLine } from "./errors";

export function printLine(text = ""): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printBytes(bytes: Uint8Array): void {
  process.stdout.write(bytes);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A diagnostic line (e.g. --verbose), verbatim. */
export function printDiagnostic(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** The one-line error format: `pteri: <message>`. */
export function printError(message: string): void {
  process.stderr.write(`pteri: ${oneLine(message)}\n`);
}
