import { describe, expect, it } from "vitest";
import { buildSignatureBase, type SignableRequest } from "../httpsig";

const req = (targetUri: string, headers: SignableRequest["headers"] = {}, method = "POST"): SignableRequest => ({ method, targetUri, headers });

/** The value line of a single covered component. */
function value(request: SignableRequest, name: string): string {
  const r = buildSignatureBase(request, [name], {});
  if (!r.ok) return `!${r.code}`;
  const first = r.base.split("\n")[0] ?? "";
  return first.slice(first.indexOf(": ") + 2);
}

describe("derived components (RFC 9421 section 2.2 examples)", () => {
  const example = req("https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman");

  it.each([
    ["@method", "POST"],
    ["@target-uri", "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"],
    ["@authority", "www.example.com"],
    ["@scheme", "https"],
    ["@path", "/path"],
    ["@query", "?param=value&foo=bar&baz=bat%2Dman"],
  ])("%s", (name, expected) => {
    expect(value(example, name)).toBe(expected);
  });

  it("normalizes the authority: lowercase host, default port dropped, other ports kept", () => {
    expect(value(req("HTTPS://WWW.Example.COM:443/x"), "@authority")).toBe("www.example.com");
    expect(value(req("http://example.com:80/x"), "@authority")).toBe("example.com");
    expect(value(req("http://example.com:8080/x"), "@authority")).toBe("example.com:8080");
    expect(value(req("HTTPS://WWW.Example.COM:443/x?y#frag"), "@target-uri")).toBe("https://www.example.com/x?y");
    expect(value(req("HTTP://example.com"), "@scheme")).toBe("http");
  });

  it("gives '?' alone for an absent or empty query, and '/' for an empty path", () => {
    expect(value(req("https://example.com/path"), "@query")).toBe("?");
    expect(value(req("https://example.com/path?"), "@query")).toBe("?");
    expect(value(req("https://example.com"), "@path")).toBe("/");
    expect(value(req("https://example.com/a%20b/c"), "@path")).toBe("/a%20b/c");
  });

  it("keeps the method's case", () => {
    expect(value(req("https://a.example/", {}, "get"), "@method")).toBe("get");
  });
});

describe("header field components (RFC 9421 section 2.1)", () => {
  it("trims values, combines lines with ', ' and removes obsolete line folding", () => {
    const r = req("https://example.com/", [
      ["Cache-Control", "max-age=60"],
      ["cache-control", "   must-revalidate"],
      ["X-Obs-Fold-Header", "Obsolete\r\n    line folding."],
      ["Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)  "],
      ["X-Empty-Header", ""],
    ]);
    expect(value(r, "cache-control")).toBe("max-age=60, must-revalidate");
    expect(value(r, "x-obs-fold-header")).toBe("Obsolete line folding.");
    expect(value(r, "example-dict")).toBe("a=1,    b=2;x=1;y=2,   c=(a   b   c)");
    expect(value(r, "x-empty-header")).toBe("");
  });

  it("reads Headers objects, records with array values, and header pairs alike", () => {
    expect(value(req("https://e.example/", new Headers({ "X-A": "1" })), "x-a")).toBe("1");
    expect(value(req("https://e.example/", { "X-A": ["1", "2"] }), "x-a")).toBe("1, 2");
    expect(value(req("https://e.example/", { "X-A": "1", "x-a": "2" }), "x-a")).toBe("1, 2");
  });

  it("reports an absent covered header as header_missing", () => {
    expect(value(req("https://e.example/"), "content-digest")).toBe("!header_missing");
  });

  it("refuses values that could forge lines in the signature base", () => {
    const evil = req("https://e.example/", { "X-A": 'ok\n"@method": GET' });
    expect(value(evil, "x-a")).toBe("!signature_malformed");
    expect(value(req("https://e.example/", { "X-A": "caf\u00e9" }), "x-a")).toBe("!signature_malformed");
    expect(value(req("https://e.example/", { "X-A": "a\u0000b" }), "x-a")).toBe("!signature_malformed");
  });
});

describe("unsupported and invalid components", () => {
  const r = req("https://e.example/?a=1", { Date: "x" });

  it.each(["@request-target", "@query-param", "@status", "@foo"])("%s is component_unsupported", (name) => {
    expect(value(r, name)).toBe("!component_unsupported");
  });

  it("@signature-params, uppercase or invalid names are signature_malformed", () => {
    expect(value(r, "@signature-params")).toBe("!signature_malformed");
    expect(value(r, "Date")).toBe("!signature_malformed");
    expect(value(r, "da te")).toBe("!signature_malformed");
    expect(value(r, "")).toBe("!signature_malformed");
  });

  it("duplicate components are signature_malformed", () => {
    const b = buildSignatureBase(r, ["date", "date"], {});
    expect(!b.ok && b.code).toBe("signature_malformed");
  });

  it("rejects invalid requests without throwing", () => {
    const code = (x: unknown) => {
      const b = buildSignatureBase(x as SignableRequest, ["@method"], {});
      return b.ok ? "ok" : b.code;
    };
    expect(code(null)).toBe("signature_malformed");
    expect(code({ method: "GET", targetUri: "not a uri", headers: {} })).toBe("signature_malformed");
    expect(code({ method: "GET", targetUri: "ftp://e.example/", headers: {} })).toBe("signature_malformed");
    expect(code({ method: "GET", targetUri: "https://u:p@e.example/", headers: {} })).toBe("signature_malformed");
    expect(code({ method: "GE T", targetUri: "https://e.example/", headers: {} })).toBe("signature_malformed");
    expect(code({ method: 7, targetUri: "https://e.example/", headers: {} })).toBe("signature_malformed");
    expect(code({ method: "GET", targetUri: "https://e.example/", headers: null })).toBe("ok");
  });
});
