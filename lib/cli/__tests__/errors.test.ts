/** Bad input: every failure is one `pteri: ` line on stderr, a non-zero exit, and never a stack trace. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneErrorLine, runCli, tempDir } from "./run";

const dir = tempDir();
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const badPem = file("bad.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
const publicPem = file("pub.pem", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n");
const req = file("req.http", "GET /x HTTP/1.1\nHost: a.example\n\n");

describe.concurrent("CLI errors", () => {
  it.each([
    ["request without --key", ["request", "https://a.example/"], 2, /missing --key FILE .*; see: pteri request --help$/],
    ["request without URL", ["request", "--key", badPem], 2, /missing URL/],
    ["request with a relative URL", ["request", "--key", badPem, "/x"], 2, /absolute http\(s\) URL/],
    ["request with a malformed -H", ["request", "--key", publicPem, "-H", "nocolon", "https://a.example/"], 2, /-H "nocolon" is not "Name: value"/],
    ["an unreadable key file", ["request", "--key", path.join(dir, "missing.pem"), "https://a.example/"], 1, /cannot read key file ".*missing\.pem": no such file/],
    ["a directory as key file", ["request", "--key", dir, "https://a.example/"], 1, /cannot read key file .*: it is a directory/],
    ["a malformed PEM", ["request", "--key", badPem, "https://a.example/"], 1, /"\S*bad\.pem" is not a usable Ed25519 private key: the PEM is not a PKCS#8 v1 Ed25519 private key/],
    ["a public key given as private key", ["http", "sign", "--key", publicPem, "--request", req], 1, /is not a usable Ed25519 private key: this is a public key/],
    ["a private key given as public key", ["http", "verify", "--public-key", badPem, "--request", req], 1, /is not a usable Ed25519 public key/],
    ["a missing request file", ["http", "verify", "--public-key", publicPem, "--request", path.join(dir, "nope.http")], 1, /cannot read request file/],
    ["a malformed request message", ["http", "verify", "--public-key", publicPem, "--request", file("bad.http", "hello\n")], 1, /not an HTTP\/1\.1 request message: the first line/],
    ["an unsigned request", ["http", "verify", "--public-key", publicPem, "--request", req], 1, /signature_missing: The request is not signed/],
    ["an unknown option", ["http", "verify", "--frobnicate"], 2, /Unknown option '--frobnicate'; see: pteri http verify --help/],
    ["a bad --now", ["http", "verify", "--public-key", publicPem, "--request", req, "--now", "yesterday"], 2, /--now must be whole seconds/],
    ["a bad --scheme", ["http", "sign", "--key", badPem, "--request", req, "--scheme", "ftp"], 2, /--scheme must be https or http/],
    ["an unknown command", ["frobnicate"], 2, /unknown command "frobnicate"/],
    ["a stray argument", ["keygen", "--out", path.join(dir, "k.pem"), "extra"], 2, /unexpected argument "extra"/],
  ])("%s", async (_name, args, code, pattern) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(code);
    expect(expectOneErrorLine(r)).toMatch(pattern as RegExp);
  });

  it.each(["--help", "request --help", "http sign -h", "http verify --help", "keygen --help"])("pteri %s prints usage", async (line) => {
    const r = await runCli(line.split(" "));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pteri /);
  });

  it("--version prints the version, as JSON with --json", async () => {
    expect((await runCli(["--version"])).stdout).toMatch(/^pteri \d+\.\d+\.\d+\n$/);
    expect(JSON.parse((await runCli(["--version", "--json"])).stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
