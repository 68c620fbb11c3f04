/**
 * pteri request: a curl-like signed request through the SDK's signed fetch.
 * Redirects are not followed (a signature covers exactly one target).
 */
import { defaultComponents, tryUtf8Decode } from "../../protocol";
import { INTENT_HEADER } from "../../intents/wire";
import { createSignedFetch, readLocalFile, readPrivateKeyFile, type SignedRequestInfo } from "../../sdk/node";
import { defineCommand, required, seconds } from "../command";
import { CliError, UsageError } from "../errors";
import { printDiagnostic } from "../output";
import { printResponseHead, reportResponse } from "../response";
import { intentIdOption } from "./intent-args";

/** What will be sent; `--intent ID` adds the pteri-intent header and covers it (extraComponents). */
type RequestPlan = { method: string; headers: Headers; body: Uint8Array<ArrayBuffer> | null; extraComponents: string[] };

function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(":");
  const name = line.slice(0, colon).trim();
  if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new UsageError(`-H ${JSON.stringify(line)} is not "Name: value"`, "request");
  return [name, line.slice(colon + 1).trim()];
}

/** -d's bytes: TEXT as UTF-8, @FILE verbatim, @- standard input. */
export async function readData(data: string): Promise<Uint8Array<ArrayBuffer>> {
  if (data === "@-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  }
  return data.startsWith("@") ? readLocalFile(data.slice(1), "data file") : new TextEncoder().encode(data);
}

/** Rule: an explicit -H Content-Type wins; else JSON if the body parses as JSON, else application/octet-stream. */
function impliedContentType(body: Uint8Array): string {
  try {
    JSON.parse(tryUtf8Decode(body) ?? "");
    return "application/json";
  } catch {
    return "application/octet-stream";
  }
}

async function plan(values: { request?: string; data?: string; intent?: string }, headers: Headers): Promise<RequestPlan> {
  const body = values.data === undefined ? null : await readData(values.data);
  if (body && body.length > 0 && !headers.has("content-type")) headers.set("content-type", impliedContentType(body));
  const method = values.request ?? (body ? "POST" : "GET");
  const extraComponents: string[] = [];
  if (values.intent !== undefined) {
    headers.set(INTENT_HEADER, values.intent);
    extraComponents.push(INTENT_HEADER);
  }
  return { method, headers, body, extraComponents };
}

function printSigned(info: SignedRequestInfo): void {
  printDiagnostic(`* key id ${info.keyId}, label ${info.label}; signature base:`);
  printDiagnostic(info.signatureBase);
  printDiagnostic("* end of signature base");
  printDiagnostic(`> ${info.method} ${info.url}`);
  info.headers.forEach((value, name) => printDiagnostic(`> ${name}: ${value}`));
}

function networkError(url: string, error: unknown): CliError {
  if (error instanceof Error && error.name === "TimeoutError") return new CliError(`no answer from ${url} within --max-time`);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
  return new CliError(`cannot reach ${url}: ${cause}`);
}

export const request = defineCommand({
  name: "request",
  summary: "Send a signed HTTP request (curl-like)",
  description: "Sends an HTTP request signed with your key (RFC 9421) and prints the response body on stdout.",
  usage: "request [-X METHOD] [-H 'Name: value']... [-d @FILE|-d TEXT] --key FILE [--intent ID] [--verbose] [--json] URL",
  help: `Options:
  --key FILE              Private key to sign with (PKCS#8 PEM from pteri keygen, or a private JWK)
  -X, --request METHOD    Method (default GET, or POST with -d)
  -H, --header 'N: v'     Add a header (repeatable)
  -d, --data TEXT|@FILE   Body: TEXT as UTF-8, @FILE's bytes verbatim, @- for stdin.
                          Content-Type unless given with -H: application/json when the
                          body parses as JSON, else application/octet-stream
  --intent ID             Execute an allowed or approved intent: sends the header
                          "pteri-intent: ID", covered by the signature. Method, URL and
                          body must be exactly the ones the intent committed to
  -v, --verbose           Print the signature base, request and response headers to stderr
  --max-time SECONDS      Give up after this long

The signature covers @method, @target-uri and, with a body, content-digest (sha-256,
added for you) and content-type, then pteri-intent with --intent; parameters created,
expires (+300 s), nonce, keyid, alg.

Examples:
  pteri request --key machine.pem https://pteri.example.com/api/v1/whoami
  pteri request --key machine.pem -d '{"action":"deploy"}' https://svc.example.com/jobs
  pteri request --key machine.pem --intent int_123 -d @transfer.json https://svc.example.com/transfers

Exit status: 0 for a 1xx-3xx answer, 22 for 4xx/5xx (the problem's code and detail go to
stderr), 1 if the request could not be sent, 2 on a usage error.`,
  options: {
    key: { type: "string" },
    request: { type: "string", short: "X" },
    header: { type: "string", short: "H", multiple: true },
    data: { type: "string", short: "d" },
    verbose: { type: "boolean", short: "v" },
    "max-time": { type: "string" },
    intent: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const url = required(positionals[0], "URL", "request");
    if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`URL must be an absolute http(s) URL, got ${JSON.stringify(url)}`, "request");
    const keyFile = required(values.key, "--key FILE", "request", "the private key to sign with; create one with pteri keygen");
    const maxTime = seconds(values["max-time"], "--max-time", "request");
    const given = new Headers((values.header ?? []).map(parseHeader)); // usage errors before any file is read
    if (values.intent !== undefined) {
      intentIdOption(values.intent, "--intent ID", "request");
      if (given.has(INTENT_HEADER)) throw new UsageError(`give the intent with --intent ID, not with -H '${INTENT_HEADER}: …'`, "request");
    }
    const key = await readPrivateKeyFile(keyFile);
    const { method, headers, body, extraComponents } = await plan(values, given);
    const signedFetch = createSignedFetch({
      key: key.seed,
      components: ({ hasBody }) => [...defaultComponents(hasBody), ...extraComponents],
      onSigned: values.verbose ? printSigned : undefined,
    });
    const signal = maxTime === undefined ? undefined : AbortSignal.timeout(maxTime * 1000);
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await signedFetch(url, { method, headers, body, redirect: "manual", signal });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof Error && error.name === "PteriSdkError") throw error;
      throw networkError(url, error);
    }
    if (values.verbose) printResponseHead(response);
    return reportResponse(response, bytes, values.json === true);
  },
});
