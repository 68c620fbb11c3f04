import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneErrorLine, runCli, tempDir } from "./run";

type B26 = { publicKeyPem: string; publicKeyJwk: object; signatureInput: string; signature: string; signatureBase: string; request: { httpMessage: string } };
const v = JSON.parse(readFileSync(path.resolve(process.cwd(), "../shared/vectors/rfc9421_b26.json"), "utf8")) as B26;
const dir = tempDir();
const NOW = 1_760_000_000;

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The RFC's B.2 test request with B.2.6's signature headers added, in LF or CRLF form. */
function b26Message(eol: "\n" | "\r\n"): string {
  const [head = "", body = ""] = v.request.httpMessage.split("\n\n");
  const lines = [...head.split("\n"), `Signature-Input: ${v.signatureInput}`, `Signature: ${v.signature}`];
  return `${lines.join(eol)}${eol}${eol}${body}`;
}

const pub = write("b26.pub", v.publicKeyPem);
const pubJwk = write("b26.jwk", JSON.stringify(v.publicKeyJwk));

describe("pteri http verify on RFC 9421 B.2.6", () => {
  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ] as const)("says valid and rebuilds the published base byte for byte (%s message)", async (_name, eol) => {
    const file = write(`b26-${_name}.http`, b26Message(eol));
    const json = await runCli(["http", "verify", "--public-key", pubJwk, "--request", file, "--json"]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ valid: true, label: "sig-b26" });
    expect(out.signatureBase).toBe(v.signatureBase);
    const text = await runCli(["http", "verify", "--public-key", pub, "--request", file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Signature base (label "sig-b26"):\n${v.signatureBase}\n\nRFC 9421: VALID.`);
  });

  it("lists what PTERI's server policy would still refuse: no nonce, no expires, old created", async () => {
    const r = await runCli(["http", "verify", "--public-key", pub, "--request", write("b26.http", b26Message("\n"))]);
    const refusals = r.stdout.split("PTERI server policy would still refuse this request:\n")[1] ?? "";
    expect(refusals).toMatch(/- signature_params_missing: no nonce parameter/);
    expect(refusals).toMatch(/- signature_params_missing: no expires parameter/);
    expect(refusals).toMatch(/- too_old: .*created 2021-04-20T02:07:53Z/);
    expect(refusals).toMatch(/- component_missing: the signature does not cover content-digest/);
    expect(refusals).toMatch(/- component_missing: the signature does not cover @target-uri or @authority \+ @path \+ @query/);
  });

  it("fails a tampered B.2.6 request with signature_invalid (exit 1, reason also on stderr)", async () => {
    const tampered = write("b26-tampered.http", b26Message("\n").replace("Tue, 20 Apr 2021 02:07:55", "Tue, 20 Apr 2021 02:07:56"));
    const r = await runCli(["http", "verify", "--public-key", pub, "--request", tampered]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RFC 9421: INVALID: signature_invalid: The signature does not match/);
    expect(expectOneErrorLine(r)).toMatch(/^pteri: signature not valid: signature_invalid: /);
  });
});

describe("pteri http sign -> pteri http verify", () => {
  const keyFile = path.join(dir, "machine.pem");
  const pubFile = path.join(dir, "machine.jwk");
  const request = write("req.http", 'POST /api/v1/jobs?dry=1 HTTP/1.1\r\nHost: svc.example.com\r\nContent-Type: application/json\r\n\r\n{"action":"deploy"}');

  async function setup(): Promise<void> {
    const made = JSON.parse((await runCli(["keygen", "--out", keyFile, "--json"])).stdout);
    writeFileSync(pubFile, JSON.stringify(made.publicJwk));
  }

  it("round trips: signed request verifies and satisfies PTERI's server policy", async () => {
    await setup();
    const signed = await runCli(["http", "sign", "--key", keyFile, "--request", request, "--now", String(NOW)]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/^POST \/api\/v1\/jobs\?dry=1 HTTP\/1\.1\r\nHost: svc\.example\.com\r\nContent-Type: application\/json\r\nContent-Digest: sha-256=:[^\r]+:\r\nSignature-Input: sig1=\("@method" "@target-uri" "content-digest" "content-type"\);created=1760000000;[^\r]+\r\nSignature: sig1=:[^\r]+:\r\n\r\n\{"action":"deploy"\}$/);
    const signedFile = write("signed.http", signed.stdout);
    const r = await runCli(["http", "verify", "--public-key", pubFile, "--request", signedFile, "--now", String(NOW + 10)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"@target-uri": https://svc.example.com/api/v1/jobs?dry=1\n');
    expect(r.stdout).toContain("RFC 9421: VALID.");
    expect(r.stdout).toContain("PTERI server policy: nothing to refuse");
  });

  it("tampered request file -> exit 1 with signature_invalid; a changed body is a digest_mismatch finding", async () => {
    const signed = (await runCli(["http", "sign", "--key", keyFile, "--request", request, "--now", String(NOW)])).stdout;
    const pathChanged = write("t1.http", signed.replace("/api/v1/jobs?dry=1", "/api/v1/jobs?dry=0"));
    const r = await runCli(["http", "verify", "--public-key", pubFile, "--request", pathChanged, "--now", String(NOW), "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, code: "signature_invalid" });
    const bodyChanged = write("t2.http", signed.replace('"deploy"', '"destroy"'));
    const b = await runCli(["http", "verify", "--public-key", pubFile, "--request", bodyChanged, "--now", String(NOW), "--json"]);
    expect(JSON.parse(b.stdout).serverPolicy.findings).toEqual([{ code: "digest_mismatch", message: expect.stringMatching(/does not match the body/) }]);
  });

  it("--label picks one of several signatures", async () => {
    const other = path.join(dir, "other.pem");
    await runCli(["keygen", "--out", other]);
    const once = write("once.http", (await runCli(["http", "sign", "--key", keyFile, "--request", request, "--label", "a"])).stdout);
    const twice = write("twice.http", (await runCli(["http", "sign", "--key", other, "--request", once, "--label", "b"])).stdout);
    const noLabel = await runCli(["http", "verify", "--public-key", pubFile, "--request", twice]);
    expect(noLabel.code).toBe(1);
    expect(noLabel.stdout).toMatch(/several signatures.*Use --label \(found: a, b\)/);
    const a = await runCli(["http", "verify", "--public-key", pubFile, "--request", twice, "--label", "a"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/signature_malformed: the request carries 2 signatures/);
    const b = await runCli(["http", "verify", "--public-key", pubFile, "--request", twice, "--label", "b", "--json"]);
    expect(JSON.parse(b.stdout)).toMatchObject({ valid: false, code: "signature_invalid", label: "b" });
  });

  it("origin-form targets use https unless --scheme http; absolute-form targets are used as written", async () => {
    const get = write("get.http", "GET /status HTTP/1.1\nHost: 127.0.0.1:8080\n");
    const signed = await runCli(["http", "sign", "--key", keyFile, "--request", get, "--scheme", "http", "--json"]);
    expect(JSON.parse(signed.stdout).signatureBase).toContain('"@target-uri": http://127.0.0.1:8080/status\n');
    const absolute = write("abs.http", "GET http://proxy.example/x HTTP/1.1\nHost: ignored.example\n\n");
    const s2 = await runCli(["http", "sign", "--key", keyFile, "--request", absolute, "--json"]);
    expect(JSON.parse(s2.stdout).signatureBase).toContain('"@target-uri": http://proxy.example/x\n');
  });

  it("refuses to sign a body without Content-Type, in one line", async () => {
    const noType = write("notype.http", "PUT /x HTTP/1.1\nHost: a.example\n\nbody");
    const r = await runCli(["http", "sign", "--key", keyFile, "--request", noType]);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/^pteri: cannot sign: The request has no content-type header/);
  });
});
