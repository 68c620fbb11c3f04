import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../sdk/__tests__/server";
import { expectOneErrorLine, runCli, tempDir } from "./run";

const dir = tempDir();
const keyFile = path.join(dir, "machine.pem");
const strangerFile = path.join(dir, "stranger.pem");
let server: TestServer;

beforeAll(async () => {
  const made = JSON.parse((await runCli(["keygen", "--out", keyFile, "--json"])).stdout);
  await runCli(["keygen", "--out", strangerFile]);
  server = await startTestServer([made.publicJwk]);
});
afterAll(() => server.close());

const request = (...args: string[]) => runCli(["request", "--key", keyFile, ...args]);

describe("pteri request against a service verifying with the SDK", () => {
  it("sends a signed GET and prints the response body", async () => {
    const r = await request(`${server.url}/whoami`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: "GET", targetUri: `${server.url}/whoami`, components: ["@method", "@target-uri"] });
    expect(r.stderr).toBe("");
  });

  it("POSTs -d TEXT as application/json when it parses as JSON, else application/octet-stream; -H wins", async () => {
    const json = await request("-d", '{"action":"deploy"}', `${server.url}/jobs`);
    expect(JSON.parse(json.stdout)).toMatchObject({ method: "POST", body: '{"action":"deploy"}', components: ["@method", "@target-uri", "content-digest", "content-type"] });
    const seen = () => server.results.at(-1);
    const typeOf = () => {
      const last = seen();
      return last?.ok ? last.signatureBase.match(/"content-type": (.*)/)?.[1] : undefined;
    };
    expect(typeOf()).toBe("application/json");
    await request("-d", "not json", `${server.url}/jobs`);
    expect(typeOf()).toBe("application/octet-stream");
    await request("-X", "PUT", "-H", "Content-Type: text/csv", "-d", "a,b", `${server.url}/jobs`);
    expect(typeOf()).toBe("text/csv");
  });

  it("reads -d @FILE verbatim and -d @- from stdin", async () => {
    const file = path.join(dir, "body.bin");
    writeFileSync(file, "line one\nline two\n");
    expect(JSON.parse((await request("-d", `@${file}`, `${server.url}/f`)).stdout).body).toBe("line one\nline two\n");
    expect(JSON.parse((await runCli(["request", "--key", keyFile, "-d", "@-", `${server.url}/s`], { input: "[1,2]" })).stdout).body).toBe("[1,2]");
  });

  it("exits 22 on a 4xx/5xx answer, still printing the body", async () => {
    const r = await request(`${server.url}/status/404`);
    expect(r.code).toBe(22);
    expect(r.stdout).toBe("status 404\n");
    expect(expectOneErrorLine(r)).toBe("pteri: HTTP 404 Not Found");
    expect((await request(`${server.url}/status/503`)).code).toBe(22);
  });

  it("prints a problem+json answer's code and detail on stderr as one line", async () => {
    const r = await request(`${server.url}/problem`);
    expect(r.code).toBe(22);
    expect(expectOneErrorLine(r)).toBe("pteri: HTTP 403 policy_denied: No policy allows deploy on prod.");
    const stranger = await runCli(["request", "--key", strangerFile, `${server.url}/x`]);
    expect(expectOneErrorLine(stranger)).toMatch(/^pteri: HTTP 401 key_unknown: No active key is registered/);
  });

  it("--verbose prints the signature base, the request and the response head to stderr", async () => {
    const r = await request("--verbose", "-d", "{}", `${server.url}/v?q=1`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`"@method": POST\n"@target-uri": ${server.url}/v?q=1\n"content-digest": sha-256=:`);
    expect(r.stderr).toMatch(/\n"@signature-params": \("@method" "@target-uri" "content-digest" "content-type"\);created=\d+;expires=\d+;nonce="[\w-]{22}";keyid="[\w-]{43}";alg="ed25519"\n/);
    expect(r.stderr).toContain(`> POST ${server.url}/v?q=1\n`);
    expect(r.stderr).toMatch(/> signature-input: sig1=/);
    expect(r.stderr).toContain("< HTTP 200 OK\n");
    expect(r.stderr).toContain("< content-type: application/json\n");
  });

  it("--json prints {status, headers, body} with a JSON body parsed", async () => {
    const ok = JSON.parse((await request("--json", `${server.url}/j`)).stdout);
    expect(ok).toMatchObject({ status: 200, headers: { "content-type": "application/json" }, body: { method: "GET" } });
    const notFound = await request("--json", `${server.url}/status/404`);
    expect(notFound.code).toBe(22);
    expect(JSON.parse(notFound.stdout)).toMatchObject({ status: 404, body: "status 404\n" });
  });

  it("reports an unreachable server in one line (exit 1)", async () => {
    const closed = await startTestServer([]);
    await closed.close();
    const r = await request(`${closed.url}/`);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/^pteri: cannot reach http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/);
  });
});
