/**
 * Where JSON text goes wrong, as a position people can act on. V8's JSON.parse (Node 20,
 * Chromium) names the bad token but not its position, and nothing maintained does this
 * without also replacing the parser, so after JSON.parse fails a small strict scanner
 * (RFC 8259; iterative, so no nesting depth can overflow the stack) finds the first offending
 * character. Portable: the CLI (`pteri policy test`) and the policy editor's JSON view use it.
 */
/** `"x"` for a character, or "end of file". */
function shown(text: string, i: number): string {
  if (i >= text.length) return "end of file";
  const c = text.codePointAt(i)!;
  return JSON.stringify(String.fromCodePoint(c));
}

type JsonError = { offset: number; message: string };

const WS = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const NUMBER_RE = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The first syntax error of `text` (which JSON.parse refused), or null when the scanner finds none. */
export function locateJsonError(text: string): JsonError | null {
  let i = 0;
  const stack: ("{" | "[")[] = [];
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const fail = (message: string, at = i): JsonError => ({ offset: at, message });

  function string(): JsonError | null {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) return fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail(`control character ${JSON.stringify(text[i])} in a string (write it as an escape)`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail("invalid \\u escape (needs four hex digits)");
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return fail(`invalid escape ${e === undefined ? "at end of file" : JSON.stringify(`\\${e}`)}`);
        continue;
      }
      i++;
    }
  }

  function number(): JsonError | null {
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(text);
    if (!m) return fail(`invalid number starting with ${shown(text, i)}`);
    i += m[0].length;
    return null;
  }

  /** A key and its colon, after `{` or `,` inside an object. */
  function key(comma?: number): JsonError | null {
    skip();
    if (text[i] === "}" && comma !== undefined) return fail('trailing comma before "}"', comma);
    if (text[i] !== '"') return fail(`expected a property name in double quotes, found ${shown(text, i)}`);
    const e = string();
    if (e) return e;
    skip();
    if (text[i] !== ":") return fail(`expected ":" after the property name, found ${shown(text, i)}`);
    i++;
    return null;
  }

  for (;;) {
    // A value.
    skip();
    const c = text[i];
    if (c === undefined) return fail("unexpected end of file, expected a value");
    if (c === "{") {
      i++;
      skip();
      if (text[i] === "}") i++;
      else {
        stack.push("{");
        const e = key();
        if (e) return e;
        continue;
      }
    } else if (c === "[") {
      i++;
      skip();
      if (text[i] === "]") i++;
      else {
        stack.push("[");
        continue;
      }
    } else if (c === '"') {
      const e = string();
      if (e) return e;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const e = number();
      if (e) return e;
    } else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!word) return fail(`unexpected ${shown(text, i)}, expected a value`);
      i += word.length;
    }
    // After a value: close containers, or a comma leads to the next value.
    for (;;) {
      skip();
      const top = stack.at(-1);
      if (top === undefined) return i < text.length ? fail(`unexpected ${shown(text, i)} after the end of the JSON value`) : null;
      const close = top === "{" ? "}" : "]";
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return fail(i >= text.length ? `unexpected end of file, expected "," or "${close}"` : `expected "," or "${close}", found ${shown(text, i)}`);
      const comma = i;
      i++;
      if (top === "{") {
        const e = key(comma);
        if (e) return e;
      } else {
        skip();
        if (text[i] === "]") return fail('trailing comma before "]"', comma);
      }
      break;
    }
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}


/** JSON.parse, or the first syntax error with its 1-based line and column. */
export function parseJsonWithPosition(text: string): { ok: true; value: unknown } | { ok: false; message: string; offset: number; line: number; column: number } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const found = locateJsonError(text) ?? { offset: text.length, message: error instanceof Error ? error.message : String(error) };
    return { ok: false, ...found, ...lineColumn(text, found.offset) };
  }
}
