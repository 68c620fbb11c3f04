/**
 * Glob patterns for resources and the `glob` condition operator.
 *
 * Globs are matched by hand, never translated to a RegExp: a translated `a*a*a*a*b` backtracks
 * polynomially (seconds on a 1 KiB subject), and policy authors should not have to know that.
 * `**` may only stand for whole `/`-separated segments, which lets matching work in two levels
 * (segments, then characters within one segment) with the classic greedy wildcard algorithm,
 * O(pattern x subject) in the worst case and close to linear in practice. Common shapes
 * (exact, `prefix/**`, one segment) take shortcuts.
 *
 * Syntax: `*` any run of characters within one segment (never `/`); `?` exactly one character
 * other than `/`; `**` as a whole segment: zero or more segments; `\` makes the next character
 * literal. Everything else matches itself, case-sensitively. The whole subject must match.
 */

/**
 * Longest subject (in UTF-16 units) a wildcard glob or a regex condition is tried against. A
 * longer one is "undecided": it never satisfies an allow rule and always satisfies a deny rule
 * (see evaluate.ts), so a long value cannot slip past a deny.
 */
export const MAX_MATCH_LENGTH = 1024;

const TEXT = 0;
const STAR = 1;
const ONE = 2;
/** A literal run of characters (TEXT), `*` (STAR) or `?` (ONE). One object shape, so matching stays monomorphic. */
interface Token {
  kind: typeof TEXT | typeof STAR | typeof ONE;
  text: string;
}
/** A segment of a pattern: `**` (any), or the tokens of one `/`-free segment. */
interface Segment {
  any: boolean;
  tokens: Token[];
}

/** true or false, or undefined when the subject is too long to try (MAX_MATCH_LENGTH). */
export type GlobMatcher = (subject: string) => boolean | undefined;

function tokenize(segment: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*" || c === "?") {
      tokens.push({ kind: c === "*" ? STAR : ONE, text: "" });
      continue;
    }
    const char = c === "\\" ? (segment[++i] ?? "\\") : c;
    const last = tokens.at(-1);
    if (last?.kind === TEXT) last.text += char;
    else tokens.push({ kind: TEXT, text: char });
  }
  return tokens;
}

/** Splits on `/` (escaped or not: a `/` in the subject always separates), keeping other escapes for tokenize(). */
function splitSegments(pattern: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && pattern[i + 1] === "/") {
      i++;
      out.push(current);
      current = "";
    } else if (c === "\\" && i + 1 < pattern.length) {
      current += c + pattern[++i];
    } else if (c === "/") {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

/** Why a glob pattern is not valid, or undefined when it is. */
export function globProblem(pattern: string): string | undefined {
  if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) return "A pattern cannot end with a lone \\ (escape).";
  for (const segment of splitSegments(pattern)) {
    if (segment === "**") continue;
    const tokens = tokenize(segment);
    if (tokens.some((t, i) => t.kind === STAR && tokens[i + 1]?.kind === STAR)) return `"**" must be a whole segment (like a/**/b); use * inside a segment.`;
  }
  return undefined;
}

/** Code units of the character at i: 2 for a surrogate pair, so `?` and `*` step over whole characters. */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/**
 * Greedy wildcard match of one segment's tokens against s[from, to), which holds no `/`: on a
 * mismatch, let the last `*` take one more character and retry from there. No allocation.
 */
function matchSegment(tokens: Token[], s: string, from: number, to: number): boolean {
  let t = 0;
  let c = from;
  let starT = -1;
  let starC = 0;
  while (c < to) {
    const token = t < tokens.length ? tokens[t]! : undefined;
    if (token !== undefined && token.kind === TEXT && c + token.text.length <= to && s.startsWith(token.text, c)) {
      t++;
      c += token.text.length;
    } else if (token !== undefined && token.kind === ONE) {
      t++;
      c += charLength(s, c);
    } else if (token !== undefined && token.kind === STAR) {
      starT = t++;
      starC = c;
    } else if (starT >= 0) {
      t = starT + 1;
      starC += charLength(s, starC);
      const next = tokens[t];
      if (next !== undefined && next.kind === TEXT) {
        // Let the star run on to the next place the literal after it occurs, not one step at a time.
        const at = s.indexOf(next.text, starC);
        if (at < 0 || at + next.text.length > to) return false;
        starC = at;
      }
      c = starC;
    } else return false;
  }
  while (t < tokens.length && tokens[t]!.kind === STAR) t++;
  return t === tokens.length;
}

/** The same greedy algorithm one level up: `**` against whole segments; `starts` are the subject's segment starts. */
function matchSegments(pattern: Segment[], s: string, starts: readonly number[]): boolean {
  const n = starts.length;
  let p = 0;
  let k = 0;
  let starP = -1;
  let starK = 0;
  while (k < n) {
    const seg = p < pattern.length ? pattern[p]! : undefined;
    if (seg !== undefined && !seg.any && matchSegment(seg.tokens, s, starts[k]!, k + 1 < n ? starts[k + 1]! - 1 : s.length)) {
      p++;
      k++;
    } else if (seg !== undefined && seg.any) {
      starP = p++;
      starK = k;
    } else if (starP >= 0) {
      p = starP + 1;
      k = ++starK;
    } else return false;
  }
  while (p < pattern.length && pattern[p]!.any) p++;
  return p === pattern.length;
}

/**
 * Where the subject's segments start. The last subject's answer is kept: every rule of an
 * evaluation matches the same resource, and this stays a pure function of its argument.
 */
let lastSubject = "";
let lastStarts: number[] = [0];
function segmentStarts(subject: string): readonly number[] {
  if (subject !== lastSubject) {
    const starts = [0];
    for (let i = subject.indexOf("/"); i >= 0; i = subject.indexOf("/", i + 1)) starts.push(i + 1);
    lastSubject = subject;
    lastStarts = starts;
  }
  return lastStarts;
}

function isLiteral(segments: Segment[]): boolean {
  return segments.every((s) => !s.any && s.tokens.every((t) => t.kind === TEXT));
}

function literalText(segments: Segment[]): string {
  return segments.map((s) => s.tokens.map((t) => t.text).join("")).join("/");
}

/** Compiles a valid pattern (see globProblem) into a matcher, with shortcuts for the common shapes. */
export function compileGlob(pattern: string): GlobMatcher {
  const segments: Segment[] = splitSegments(pattern).map((s) => (s === "**" ? { any: true, tokens: [] } : { any: false, tokens: tokenize(s) }));
  if (isLiteral(segments)) {
    const literal = literalText(segments);
    return (subject) => subject === literal;
  }
  if (segments.length === 1 && segments[0]!.any) return () => true;
  const last = segments.length - 1;
  if (last > 0 && segments[last]!.any && isLiteral(segments.slice(0, last))) {
    // `accounts/acme/**`: the prefix itself or anything under it. No length limit needed.
    const prefix = literalText(segments.slice(0, last));
    return (subject) => subject.startsWith(prefix) && (subject.length === prefix.length || subject[prefix.length] === "/");
  }
  if (segments.length === 1) {
    // `*@example.com`: one segment, so a subject with a `/` never matches.
    const tokens = segments[0]!.tokens;
    return (subject) => (subject.length > MAX_MATCH_LENGTH ? undefined : !subject.includes("/") && matchSegment(tokens, subject, 0, subject.length));
  }
  return (subject) => (subject.length > MAX_MATCH_LENGTH ? undefined : matchSegments(segments, subject, segmentStarts(subject)));
}
