/**
 * The tsquery the PostgreSQL audit search builds from what a person typed (lib/audit/search/
 * fulltext.ts): pure, so checked on every run. The search itself on PostgreSQL:
 * tests/postgresql/audit-search.test.ts.
 */
import { describe, expect, it } from "vitest";
import { fullTextSource, tsQuery } from "@/lib/audit/search/fulltext";
import { QueryError } from "@/lib/http/query-error";

/** What a person may type that means something to to_tsquery, or breaks its syntax. */
const TSQUERY_SYNTAX = ["&", "|", "!", "<->", "<2>", ":*", ":A", "'", "\\", "(", ")", '"'];

describe("the tsquery built from what a person typed", () => {
  it("joins words with &, a word's parts as a phrase, a trailing * as a prefix", () => {
    expect(tsQuery("payments.transfer")).toBe("(payments <-> transfer)");
    expect(tsQuery("Pay*  ACCOUNTS/42")).toBe("pay:* & (accounts <-> 42)");
    expect(tsQuery("in_3f*")).toBe("(in <-> 3f:*)");
    expect(tsQuery("ZOË don’t")).toBe("zoë & (don <-> t)");
  });

  it("lets only letters and digits through from the person", () => {
    expect(tsQuery("a & b | !c <-> d:* 'e' \\f (g) h:A")).toBe("a & b & c & d:* & e & f & g & (h <-> a)");
    for (const q of [...TSQUERY_SYNTAX.map((s) => `x${s}y ${s}z`), "'; DROP TABLE \"AuditEntry\"; --"]) {
      // Remove what the builder itself writes; what is left must be the person's letters and digits.
      const left = tsQuery(q).replaceAll(" & ", " ").replaceAll(" <-> ", " ").replaceAll(/[()]/g, "").replaceAll(/:\*(?= |$)/g, "");
      expect(left, q).toMatch(/^[\p{L}\p{Nd} ]+$/u);
    }
  });

  it("refuses text with nothing to search for, as the SQLite query does", () => {
    expect(() => tsQuery(TSQUERY_SYNTAX.filter((s) => !/\w/.test(s)).join(" "))).toThrow(QueryError);
    expect(() => fullTextSource("postgresql", "*** ²")).toThrow(/no letters or digits/);
  });
});

