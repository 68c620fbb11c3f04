/** Test-only: runs the real CLI (`node bin/pteri.mjs ...`) as a child process. */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type CliResult = { code: number; stdout: string; stderr: string };

const BIN = path.resolve(import.meta.dirname, "../../../bin/pteri.mjs");

/** Asynchronous on purpose: tests run an HTTP server in this process, which must keep answering. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, PTERI_DEBUG: "", ...options.env }, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? "");
  });
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "pteri-cli-"));
}

/** The single-line error contract: exactly one line, prefixed, no stack trace. */
export function expectOneErrorLine(result: CliResult): string {
  const lines = result.stderr.split("\n").filter((l) => l !== "");
  if (lines.length !== 1 || !lines[0]?.startsWith("pteri: ") || /\n\s+at |node:internal/.test(result.stderr)) {
    throw new Error(`expected one "pteri: " line on stderr, got:\n${result.stderr}`);
  }
  return lines[0];
}
