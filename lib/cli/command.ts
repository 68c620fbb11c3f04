/**
 * A command: its help text and options, parsed with node:util parseArgs in
 * strict mode (unknown options are usage errors). Every command gets --help
 * and --json; `run` receives typed values and returns the exit status.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors";
import { printLine } from "./output";

type OptionConfig = { type: "string" | "boolean"; short?: string; multiple?: boolean };
type Options = Record<string, OptionConfig>;

const COMMON = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies Options;

type Config<O extends Options> = { options: O & typeof COMMON; allowPositionals: true; strict: true };
export type Args<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

export interface CommandSpec<O extends Options> {
  /** Words after `pteri`, e.g. "http verify". */
  name: string;
  /** One line for `pteri --help`. */
  summary: string;
  /** What the command does, for its own --help. */
  description: string;
  /** Synopsis after "Usage: pteri ". */
  usage: string;
  /** Options (other than --json and --help), examples and exit status, preformatted. */
  help: string;
  options: O;
  /** How many positional arguments the command takes at most (default 0). */
  maxPositionals?: number;
  run(args: Args<O>): Promise<number>;
}

export interface Command {
  name: string;
  summary: string;
  helpText(): string;
  execute(argv: string[]): Promise<number>;
}

const COMMON_HELP = `  --json            Print the result as JSON on stdout
  -h, --help        Show this help`;

export function defineCommand<O extends Options>(spec: CommandSpec<O>): Command {
  const helpText = () => `Usage: pteri ${spec.usage}\n\n${spec.description}\n\n${spec.help.trimEnd()}\n\nCommon options:\n${COMMON_HELP}\n`;
  return {
    name: spec.name,
    summary: spec.summary,
    helpText,
    async execute(argv) {
      let args: Args<O>;
      try {
        const config = { args: argv, options: { ...spec.options, ...COMMON }, allowPositionals: true, strict: true } as Config<O> & { args: string[] };
        args = parseArgs(config);
      } catch (error) {
        // parseArgs messages are one sentence already; drop its own hints.
        const message = error instanceof Error ? error.message.split(/\. To specify|\n/)[0] ?? "" : String(error);
        throw new UsageError(message.replace(/\.$/, ""), spec.name);
      }
      if ((args.values as { help?: boolean }).help) {
        printLine(helpText());
        return 0;
      }
      const extra = args.positionals[spec.maxPositionals ?? 0];
      if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, spec.name);
      return spec.run(args);
    },
  };
}

/** The value of a required string option, or a usage error naming it. */
export function required(value: string | undefined, flag: string, command: string, hint = ""): string {
  if (value === undefined || value === "") throw new UsageError(`missing ${flag}${hint ? ` (${hint})` : ""}`, command);
  return value;
}

/** Whole seconds since the epoch from an option such as --now. */
export function seconds(value: string | undefined, flag: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new UsageError(`${flag} must be whole seconds, got ${JSON.stringify(value)}`, command);
  return Number(value);
}
