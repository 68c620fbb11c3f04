/**
 * Bounded regular expressions for the `regex` condition operator.
 *
 * JavaScript's backtracking engine has no time limit, the engine must stay synchronous and pure
 * (it also runs in the browser's simulator), and `re2` is a native module. So instead of a
 * timeout we accept only patterns whose worst case is provably small, measured on this
 * engine: a 1 KiB subject against `.*a.*a.*a.*x` took 99 s, `\d*\d*\d*x` 0.4 s, `\d*\d*x` 1 ms.
 * Checking for nested quantifiers alone (what safe-regex2 does) misses the first two.
 *
 * The rules (documented in docs/policies.md):
 * - at most MAX_REGEX_LENGTH characters, valid with the `u` flag;
 * - no backreferences and no lookaround (they defeat the bound below and no condition needs them);
 * - a group repeated without bound contains neither a repetition nor an alternation (`(ab)+`
 *   yes; `(a+)+` and `(a|b)+` no: use a class `[ab]+`); `(foo|bar)?` and `(a|b){0,3}` are fine;
 * - the product of the repetition ranges (unbounded counts as MAX_MATCH_LENGTH), summed over
 *   alternatives, stays within REGEX_BUDGET: two unbounded repetitions, or more bounded ones
 *   (`[a-z]{1,64}@[a-z]{1,64}\.[a-z]{2,8}`).
 * Subjects longer than MAX_MATCH_LENGTH are not tried. Patterns match the whole value (they are
 * wrapped in `^(?:…)$`): a forgotten anchor must not widen an allow rule.
 */
import { MAX_MATCH_LENGTH } from "./glob";

export const MAX_REGEX_LENGTH = 200;
/** Backtracking paths allowed: (MAX_MATCH_LENGTH + 1)^2, i.e. two unbounded repetitions. */
export const REGEX_BUDGET = (MAX_MATCH_LENGTH + 1) ** 2;

class Unsafe extends Error {}

/** A tiny recursive-descent reader over a pattern that `new RegExp(p, "u")` already accepted. */
class Reader {
  i = 0;
  constructor(readonly p: string) {}

  /** alternative ( "|" alternative )*: cost is the sum over alternatives. */
  alternation(): Atom {
    let cost = 0;
    let repeats = false;
    let count = 0;
    for (;;) {
      const seq = this.sequence();
      cost += seq.cost;
      repeats ||= seq.repeats;
      count++;
      if (this.p[this.i] !== "|") break;
      this.i++;
    }
    if (cost > REGEX_BUDGET) throw new Unsafe(TOO_MANY);
    return { cost, repeats, alternates: count > 1 };
  }

  /** Items up to ")" or "|" or the end: cost is the product over items. */
  sequence(): { cost: number; repeats: boolean } {
    let cost = 1;
    let repeats = false;
    while (this.i < this.p.length && this.p[this.i] !== "|" && this.p[this.i] !== ")") {
      const atom = this.atom();
      const range = this.quantifier();
      if (range) {
        repeats = true;
        cost *= repeatCost(atom, range);
      } else cost *= atom.cost;
      if (cost > REGEX_BUDGET) throw new Unsafe(TOO_MANY);
    }
    return { cost, repeats };
  }

  atom(): Atom {
    const c = this.p[this.i]!;
    if (c === "(") return this.group();
    if (c === "[") this.skipClass();
    else if (c === "\\") this.escape();
    else this.i++;
    return { cost: 1, repeats: false, alternates: false };
  }

  group(): Atom {
    this.i++;
    if (this.p.startsWith("?:", this.i)) this.i += 2;
    else if (this.p.startsWith("?<", this.i) && this.p[this.i + 2] !== "=" && this.p[this.i + 2] !== "!") this.i = this.p.indexOf(">", this.i) + 1;
    else if (this.p[this.i] === "?") throw new Unsafe("Lookahead and lookbehind are not allowed.");
    const inner = this.alternation();
    this.i++; // ")"
    return inner;
  }

  skipClass(): void {
    this.i++;
    while (this.p[this.i] !== "]") {
      if (this.p[this.i] === "\\") this.escape();
      else this.i++;
    }
    this.i++;
  }

  escape(): void {
    const next = this.p[this.i + 1] ?? "";
    if (/[1-9]/.test(next) || next === "k") throw new Unsafe("Backreferences are not allowed.");
    this.i += 2;
    // \p{…}, \P{…}, \u{…}: skip the braces so they are not read as a quantifier.
    if ((next === "p" || next === "P" || next === "u") && this.p[this.i] === "{") this.i = this.p.indexOf("}", this.i) + 1;
  }

  /** The repetition range of a quantifier at the cursor, or undefined when there is none. */
  quantifier(): Range | undefined {
    const c = this.p[this.i];
    let range: Range;
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      range = c === "*" ? { min: 0, max: Infinity } : c === "+" ? { min: 1, max: Infinity } : { min: 0, max: 1 };
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i))!;
      this.i += m[0].length;
      const min = Number(m[1]);
      range = { min, max: m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]) };
    } else return undefined;
    if (this.p[this.i] === "?") this.i++; // lazy: same worst case
    return range;
  }
}

type Range = { min: number; max: number };
type Atom = { cost: number; repeats: boolean; alternates: boolean };

const TOO_MANY = "Too many repetitions: use at most two unbounded ones (*, +, {n,}) and bound the others, like {1,64}.";

/**
 * Backtracking paths of a repeated atom. A single-path atom (a character, a class, a fixed
 * group) gives one path per count in the range. A group with several paths repeated j times
 * gives cost^j of them, so it must be bounded: (a+)+ and (a|b)* are refused outright.
 */
function repeatCost(atom: Atom, range: Range): number {
  const min = Math.min(range.min, MAX_MATCH_LENGTH);
  const max = Math.min(range.max, MAX_MATCH_LENGTH);
  if (atom.cost === 1 && !atom.repeats && !atom.alternates) return max - min + 1;
  if (range.max === Infinity) throw new Unsafe("A group repeated without bound (*, +, {n,}) cannot contain a repetition or an alternation: use a character class like [ab]+, or a bound like {0,3}.");
  let total = 0;
  for (let j = min; j <= max && total <= REGEX_BUDGET; j++) total += atom.cost ** j;
  return total;
}

/** Why a pattern is refused, or undefined when it is accepted. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) return `A regular expression can be at most ${MAX_REGEX_LENGTH} characters.`;
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `Not a valid regular expression: ${(error as Error).message}`;
  }
  try {
    const reader = new Reader(pattern);
    reader.alternation();
    if (reader.i !== pattern.length) return "Unbalanced parenthesis.";
  } catch (error) {
    if (error instanceof Unsafe) return error.message;
    throw error;
  }
  return undefined;
}

/** true or false, or undefined when the subject is longer than MAX_MATCH_LENGTH. */
export type RegexMatcher = (subject: string) => boolean | undefined;

/** Compiles an accepted pattern (see regexProblem) into a whole-value matcher. */
export function compileRegex(pattern: string): RegexMatcher {
  const re = new RegExp(`^(?:${pattern})$`, "u");
  return (subject) => (subject.length > MAX_MATCH_LENGTH ? undefined : re.test(subject));
}
