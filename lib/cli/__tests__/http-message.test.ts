import { describe, expect, it } from "vitest";
import { parseHttpRequest, serializeHttpRequest, setHeader, targetUriOf } from "../http-message";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("raw HTTP/1.1 request messages", () => {
  it("parses CRLF and LF alike and writes back the line ending it found", () => {
    for (const eol of ["\r\n", "\n"]) {
      const raw = ["POST /a?b=1 HTTP/1.1", "Host: x.example", "Content-Type: text/plain", "", "hi"].join(eol);
      const m = parseHttpRequest(bytes(raw));
      expect(m).toMatchObject({ method: "POST", target: "/a?b=1", version: "HTTP/1.1", headers: [["Host", "x.example"], ["Content-Type", "text/plain"]], eol });
      expect(text(m.body)).toBe("hi");
      expect(text(serializeHttpRequest(m))).toBe(raw);
    }
  });

  it("joins obs-fold lines, tolerates leading blank lines and a missing final blank line", () => {
    const m = parseHttpRequest(bytes("\nGET / HTTP/1.1\nHost: h\nX-Long: one\n  two\n"));
    expect(m.headers).toEqual([["Host", "h"], ["X-Long", "one two"]]);
    expect(m.body.length).toBe(0);
  });

  it("cuts an editor's final newline when Content-Length says so, and refuses a real mismatch", () => {
    const ok = parseHttpRequest(bytes("POST / HTTP/1.1\nHost: h\nContent-Length: 2\n\nhi\n"));
    expect(text(ok.body)).toBe("hi");
    expect(() => parseHttpRequest(bytes("POST / HTTP/1.1\nHost: h\nContent-Length: 5\n\nhi"))).toThrow(/body is 2 bytes but Content-Length says 5/);
    expect(() => parseHttpRequest(bytes("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n2\nhi\n0\n\n"))).toThrow(/Transfer-Encoding/);
  });

  it("rebuilds the target URI from absolute-form, or origin-form plus Host", () => {
    expect(targetUriOf(parseHttpRequest(bytes("GET /p?q HTTP/1.1\nHost: h.example:8443\n")), "https")).toBe("https://h.example:8443/p?q");
    expect(targetUriOf(parseHttpRequest(bytes("GET http://o.example/p HTTP/1.1\n")), "https")).toBe("http://o.example/p");
    expect(() => targetUriOf(parseHttpRequest(bytes("GET /p HTTP/1.1\n")), "https")).toThrow(/needs exactly one Host header/);
    expect(() => targetUriOf(parseHttpRequest(bytes("OPTIONS * HTTP/1.1\nHost: h\n")), "https")).toThrow(/neither a path nor an absolute/);
  });

  it("setHeader replaces the first field of that name (dropping repeats) or appends", () => {
    const m = parseHttpRequest(bytes("GET / HTTP/1.1\nHost: h\nSignature: a\nX: 1\nsignature: b\n"));
    setHeader(m, "Signature", "c");
    setHeader(m, "Signature-Input", "d");
    expect(m.headers).toEqual([["Host", "h"], ["Signature", "c"], ["X", "1"], ["Signature-Input", "d"]]);
  });

  it("refuses malformed heads with the reason", () => {
    expect(() => parseHttpRequest(bytes("GET /\n"))).toThrow(/first line must be/);
    expect(() => parseHttpRequest(bytes("GET / HTTP/1.1\nBad Header: x\n"))).toThrow(/line 2 is not a "Name: value" header line/);
  });
});
