/**
 * Command-line pieces of `pteri intent submit|status` (and `pteri request --intent`): the two
 * options parseArgs cannot express (`--execute METHOD URL` takes two values, `--wait [SECONDS]`
 * an optional one), --params as a JSON object, and the intent id.
 */
import { tryUtf8Decode } from "../../protocol";
import { readLocalFile } from "../../sdk/node";
import type { Command } from "../command";
import { UsageError } from "../errors";

/**
 * Rewrites argv so parseArgs can read it: `--execute METHOD URL` becomes `--execute=METHOD URL`
 * (a single `--execute 'METHOD URL'` is kept), `--wait SECONDS` becomes `--wait=SECONDS` and a
 * bare `--wait` becomes `--wait=` (no limit). Nothing after `--` is touched.
 */
export function normalizeIntentArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (arg === "--wait") {
      if (next !== undefined && /^\d+$/.test(next)) {
        out.push(`--wait=${next}`);
        i++;
      } else out.push("--wait=");
    } else if (arg === "--execute" && next !== undefined && !/\s/.test(next) && !next.startsWith("-") && argv[i + 2] !== undefined && !argv[i + 2]?.startsWith("-")) {
      out.push(`--execute=${next} ${argv[i + 2]}`);
      i += 2;
    } else out.push(arg);
  }
  return out;
}

/** A command whose argv goes through normalizeIntentArgv first. */
export function withIntentArgv(command: Command): Command {
  return { ...command, execute: (argv) => command.execute(normalizeIntentArgv(argv)) };
}

/** --wait's value: undefined without --wait, null for "until decided", else whole seconds. */
export function waitOption(value: string | undefined, command: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "") return null;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--wait takes whole seconds, got ${JSON.stringify(value)}`, command);
  return Number(value);
}

/** --execute's value: the method and the URL of the request the intent commits to. */
export function executeOption(value: string | undefined, command: string): { method: string; url: string } {
  if (value === undefined || value.trim() === "") throw new UsageError("missing --execute METHOD URL (the request to run once the intent is allowed)", command);
  const parts = value.trim().split(/\s+/);
  const [method, url] = parts;
  if (parts.length !== 2 || !method || !url) throw new UsageError(`--execute takes a method and a URL, like --execute POST https://svc.example.com/transfers, got ${JSON.stringify(value)}`, command);
  if (!/^[A-Za-z]{1,16}$/.test(method)) throw new UsageError(`--execute: ${JSON.stringify(method)} is not an HTTP method`, command);
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`--execute: the URL must be an absolute http(s) URL, got ${JSON.stringify(url)}`, command);
  return { method: method.toUpperCase(), url };
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/** --params JSON|@FILE|@-: a JSON object (default {}); anything else is a usage error. */
export async function paramsOption(value: string | undefined, command: string, readStdin: () => Promise<Uint8Array>): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  let text: string;
  let source = "--params";
  if (value === "@-") {
    text = tryUtf8Decode(await readStdin()) ?? "";
    source = "--params @- (standard input)";
  } else if (value.startsWith("@")) {
    text = tryUtf8Decode(await readLocalFile(value.slice(1), "params file", 1 << 20)) ?? "";
    source = `--params ${value}`;
  } else text = value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`${source} is not JSON (${why})`, command);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${source} must be a JSON object, like {"amount": 100}, not ${kindOf(parsed)}`, command);
  }
  return parsed as Record<string, unknown>;
}

/** Intent ids are server-made tokens: visible ASCII, no spaces (they travel in a header). */
export function intentIdOption(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing ${flag} (the id pteri intent submit printed)`, command);
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) throw new UsageError(`${flag} is not an intent id: ${JSON.stringify(value.slice(0, 80))}`, command);
  return value;
}
