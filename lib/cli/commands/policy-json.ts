/**
 * JSON files for `pteri policy test`: read, parse, and on a syntax error say where, as
 * `FILE:LINE:COLUMN` (lib/json-position.ts). Any problem here is exit 2: the test could not run.
 */
import fs from "node:fs";
import { parseJsonWithPosition } from "../../json-position";
import { CliError, EXIT } from "../errors";

const WHY: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/** Reads and parses a JSON file; exit 2 with `FILE:LINE:COLUMN: …` on a syntax error. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new CliError(`cannot read ${what} ${file}: ${WHY[code] ?? (code || String(error))}`, EXIT.usage);
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const parsed = parseJsonWithPosition(text);
  if (!parsed.ok) throw new CliError(`${file}:${parsed.line}:${parsed.column}: not valid JSON: ${parsed.message}`, EXIT.usage);
  return parsed.value;
}
