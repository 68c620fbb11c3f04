/**
 * Globs and bounded regular expressions: their syntax, what they match, and that the worst
 * pattern the validator accepts still runs in milliseconds on the longest subject tried.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileGlob, globProblem, MAX_MATCH_LENGTH } from "@/lib/policies/glob";
import { compileRegex, MAX_REGEX_LENGTH, regexProblem } from "@/lib/policies/regex";

describe("glob matching", () => {
  it.each([
    ["a/b/c", "a/b/c", true],
    ["a/b/c", "a/b/c/", false],
    ["a/*/c", "a/x/c", true],
    ["a/*/c", "a//c", true],
    ["a/*/c", "a/x/y/c", false],
    ["a/*", "a/b", true],
    ["a/*", "a", false],
    ["a/**", "a", true],
    ["a/**", "a/b/c", true],
    ["a/**", "ab", false],
    ["a/**/c", "a/c", true],
    ["a/**/c", "a/x/y/z/c", true],
    ["a/**/c", "a/x/y/z/d", false],
    ["**/c", "x/y/c", true],
    ["**", "", true],
    ["*.csv", "report.csv", true],
    ["*.csv", "dir/report.csv", false],
    ["**/*.csv", "dir/sub/report.csv", true],
    ["file-?", "file-1", true],
    ["file-?", "file-12", false],
    ["file-?", "file-/", false],
    ["*-*-*", "a-b-c", true],
    ["*-*-*", "a-b", false],
    ["\\*", "*", true],
    ["\\*", "x", false],
    ["a\\?b", "a?b", true],
    ["a\\/b", "a/b", true],
    ["a\\/*", "a/b", true],
    ["\\**", "*x", true],
    ["\\**", "x", false],
    ["a/\u{1F600}?", "a/\u{1F600}\u{1F601}", true],
    ["a/?", "a/\u{1F601}", true],
    ["a/??", "a/\u{1F601}", false],
    ["a/*?", "a/\u{1F601}", true],
    ["a/*b", "a/\u{1F601}b", true],
    ["\\\\", "\\", true],
    ["café/*", "café/ü", true],
    ["?", "é", true],
    ["Accounts/*", "accounts/x", false],
    ["*a*a*a*a*a*b", `${"a".repeat(1000)}`, false],
  ])("%s vs %j: %s", (pattern, subject, expected) => {
    expect(globProblem(pattern)).toBeUndefined();
    expect(compileGlob(pattern)(subject)).toBe(expected);
  });

  it.each([
    ["a**", '"**" must be a whole segment'],
    ["a/**b/c", '"**" must be a whole segment'],
    ["***", '"**" must be a whole segment'],
    ["ends\\", "lone \\"],
  ])("refuses %s", (pattern, problem) => {
    expect(globProblem(pattern)).toContain(problem);
  });

  it("wildcards are not tried past MAX_MATCH_LENGTH (undecided), exact patterns and ** are", () => {
    const long = "a/".repeat(MAX_MATCH_LENGTH);
    expect(compileGlob("a/*")(long)).toBeUndefined();
    expect(compileGlob("**")(long)).toBe(true);
    expect(compileGlob("a/b")(long)).toBe(false);
  });

  it("pathological globs stay fast", () => {
    const subject = `${"a".repeat(MAX_MATCH_LENGTH - 1)}`;
    const patterns = ["*a*a*a*a*a*a*a*a*a*b", "**/**/**/**/**/x", `${"*a".repeat(100)}b`];
    const start = performance.now();
    for (const p of patterns) compileGlob(p)(subject);
    compileGlob("**/**/**/**/**/x")("a/".repeat(500));
    expect(performance.now() - start).toBeLessThan(100);
  });
});

describe("glob matching agrees with a naive reference (fast-check)", () => {
  /** Exponential but obviously right: segments by recursion, one segment by a translated RegExp. */
  function reference(pattern: string, subject: string): boolean {
    const segment = (p: string, s: string) => new RegExp(`^${[...p].map((c) => (c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "u").test(s);
    const match = (ps: string[], ss: string[]): boolean => {
      if (ps.length === 0) return ss.length === 0;
      if (ps[0] === "**") return Array.from({ length: ss.length + 1 }, (_, k) => k).some((k) => match(ps.slice(1), ss.slice(k)));
      return ss.length > 0 && segment(ps[0]!, ss[0]!) && match(ps.slice(1), ss.slice(1));
    };
    return match(pattern.split("/"), subject.split("/"));
  }
  const segment = fc.oneof(fc.constant("**"), fc.stringMatching(/^[ab*?]{0,4}$/).filter((s) => !s.includes("**")));
  const pattern = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segs) => segs.join("/"));
  const subject = fc.array(fc.stringMatching(/^[ab]{0,3}$/), { minLength: 1, maxLength: 5 }).map((segs) => segs.join("/"));

  it("for random patterns and subjects", () => {
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        expect(globProblem(p)).toBeUndefined();
        expect(compileGlob(p)(s)).toBe(reference(p, s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("regular expressions: which are accepted", () => {
  it.each([
    "[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}",
    "prod|staging",
    "(foo|bar)?-baz",
    "(a|b){0,3}",
    "[ab]+",
    "(ab)+c*",
    "\\d*\\d*x",
    ".*@example\\.com",
    "[a-z]{1,64}@[a-z]{1,64}\\.[a-z]{2,8}",
    "\\p{Lu}\\p{Ll}+",
    "(?<year>\\d{4})-\\d{2}",
    "\\u{1F600}+",
    "[\\]\\[]+x",
    "\\bword\\b",
    "x{1000}",
  ])("accepts %s", (pattern) => {
    expect(regexProblem(pattern)).toBeUndefined();
  });

  it.each([
    ["(a+)+", "repeated without bound"],
    ["(a|aa)*", "repeated without bound"],
    ["(?:x*y)*z", "repeated without bound"],
    [".*a.*a.*a.*x", "Too many repetitions"],
    ["\\d*\\d*\\d*x", "Too many repetitions"],
    ["[a-z]+@[a-z]+\\.[a-z]+", "Too many repetitions"],
    ["(a?){30}", "Too many repetitions"],
    ["(a|b|c|d){0,20}", "Too many repetitions"],
    ["(a)\\1", "Backreferences"],
    ["(?<n>a)\\k<n>", "Backreferences"],
    ["a(?=b)", "Lookahead and lookbehind"],
    ["(?<!a)b", "Lookahead and lookbehind"],
    ["(", "Not a valid regular expression"],
    ["a{2,1}", "Not a valid regular expression"],
    ["\\q", "Not a valid regular expression"],
    ["x".repeat(MAX_REGEX_LENGTH + 1), `at most ${MAX_REGEX_LENGTH} characters`],
  ])("refuses %s", (pattern, problem) => {
    expect(regexProblem(pattern)).toContain(problem);
  });
});

describe("regular expressions: matching", () => {
  it("matches the whole value: a missing anchor cannot widen a rule", () => {
    const m = compileRegex("prod|staging");
    expect([m("prod"), m("staging"), m("preprod"), m("production"), m("prod\n")]).toEqual([true, true, false, false, false]);
  });

  it("user anchors are harmless", () => {
    expect(compileRegex("^ab$")("ab")).toBe(true);
  });

  it("subjects longer than MAX_MATCH_LENGTH are not tried", () => {
    expect(compileRegex(".*")("x".repeat(MAX_MATCH_LENGTH))).toBe(true);
    expect(compileRegex(".*")("x".repeat(MAX_MATCH_LENGTH + 1))).toBeUndefined();
  });

  it("the worst accepted patterns run in milliseconds on the longest subject", () => {
    const worst = [".*.*x", "\\d*\\d*x", "[a-z]{0,1024}[a-z]{0,1024}!", "(a|b){0,9}.*.{0,500}x", "(?:.{0,100}){2}.*y"].filter((p) => regexProblem(p) === undefined);
    expect(worst.length).toBeGreaterThanOrEqual(3);
    for (const pattern of worst) {
      const m = compileRegex(pattern);
      const start = performance.now();
      for (const c of ["a", "1", "ab"]) m(c.repeat(MAX_MATCH_LENGTH / c.length));
      expect(performance.now() - start, pattern).toBeLessThan(250);
    }
  });
});
