/**
 * Raw HTTP/1.1 request messages as files (request line, header lines, blank
 * line, body), for `pteri http sign|verify`. CRLF and LF line endings are both
 * accepted, and the ending found is kept when writing the message back.
 *
 * The head is decoded as latin1 so every byte survives a round trip; the
 * body is kept as bytes. A final line break an editor adds after the body
 * would change the digest, so with Content-Length the body is cut to that
 * length when only line breaks follow; without it, every byte counts.
 */
import { readLocalFile } from "../sdk/node";
import { CliError, UsageError } from "./errors";

export type HttpRequestMessage = {
  method: string;
  target: string;
  version: string;
  /** In file order, names as written; obs-fold continuation lines joined with one space. */
  headers: [string, string][];
  body: Uint8Array;
  eol: "\r\n" | "\n";
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function bad(reason: string): CliError {
  return new CliError(`not an HTTP/1.1 request message: ${reason}`);
}

function bodyOf(rest: Uint8Array, headers: [string, string][]): Uint8Array {
  const find = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  if (find("transfer-encoding") !== undefined) throw bad("Transfer-Encoding bodies are not supported; give the decoded body with Content-Length");
  const declared = find("content-length");
  if (declared === undefined) {
    // A lone line break after the blank line is not a body.
    const onlyEol = rest.every((b) => b === 0x0a || b === 0x0d) && rest.length <= 2;
    return onlyEol ? new Uint8Array() : rest;
  }
  if (!/^\d{1,12}$/.test(declared.trim())) throw bad(`Content-Length ${JSON.stringify(declared)} is not a number`);
  const length = Number(declared.trim());
  const extra = rest.subarray(length);
  if (rest.length < length || !extra.every((b) => b === 0x0a || b === 0x0d)) {
    throw bad(`the body is ${rest.length} bytes but Content-Length says ${length}`);
  }
  return rest.slice(0, length);
}

export function parseHttpRequest(bytes: Uint8Array): HttpRequestMessage {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const start = /^(?:\r?\n)*/.exec(text)?.[0].length ?? 0; // RFC 9112: tolerate empty lines first
  const end = /\r?\n\r?\n/.exec(text.slice(start));
  const head = end ? text.slice(start, start + end.index) : text.slice(start).replace(/\r?\n$/, "");
  const rest = end ? bytes.slice(start + end.index + end[0].length) : new Uint8Array();
  const lines = head.split(/\r?\n/);
  const requestLine = /^(\S+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0] ?? "");
  if (!requestLine) throw bad('the first line must be "METHOD TARGET HTTP/1.1"');
  const [, method = "", target = "", version = ""] = requestLine;
  if (!TOKEN.test(method)) throw bad(`${JSON.stringify(method)} is not a method`);

  const headers: [string, string][] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last[1] = `${last[1]} ${line.trim()}`.trim(); // obs-fold (RFC 9112 section 5.2)
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) throw bad(`line ${i + 2} is not a "Name: value" header line`);
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { method, target, version, headers, body: bodyOf(rest, headers), eol: head.includes("\r\n") || end?.[0].startsWith("\r") ? "\r\n" : "\n" };
}

export function serializeHttpRequest(message: HttpRequestMessage): Uint8Array {
  const { eol } = message;
  const head = [`${message.method} ${message.target} ${message.version}`, ...message.headers.map(([n, v]) => `${n}: ${v}`)].join(eol);
  return Buffer.concat([Buffer.from(`${head}${eol}${eol}`, "latin1"), message.body]);
}

/** Sets a header: replaces the first line of that name (and drops the others), or appends. */
export function setHeader(message: HttpRequestMessage, name: string, value: string): void {
  const lower = name.toLowerCase();
  const index = message.headers.findIndex(([n]) => n.toLowerCase() === lower);
  if (index < 0) {
    message.headers.push([name, value]);
    return;
  }
  message.headers = message.headers.filter(([n], i) => i === index || n.toLowerCase() !== lower);
  message.headers[index] = [message.headers[index]?.[0] ?? name, value];
}

/**
 * The target URI (RFC 9110 section 7.1): the absolute-form target as is, or
 * scheme + Host + origin-form target. The scheme is not in the message, so
 * it is the caller's choice (https unless told otherwise).
 */
export function targetUriOf(message: HttpRequestMessage, scheme: "https" | "http"): string {
  if (/^https?:\/\//i.test(message.target)) return message.target;
  if (!message.target.startsWith("/")) throw bad(`request target ${JSON.stringify(message.target)} is neither a path nor an absolute http(s) URI`);
  const hosts = message.headers.filter(([n]) => n.toLowerCase() === "host");
  if (hosts.length !== 1 || !hosts[0]?.[1]) throw bad("an origin-form target (a path) needs exactly one Host header");
  return `${scheme}://${hosts[0][1]}${message.target}`;
}

/** Reads and parses a request file. */
export async function readRequestFile(path: string): Promise<HttpRequestMessage> {
  return parseHttpRequest(await readLocalFile(path, "request file"));
}

/** The --scheme option: how to rebuild the target URI of an origin-form request. */
export function schemeOption(value: string | undefined, command: string): "https" | "http" {
  if (value === undefined || value === "https" || value === "http") return value ?? "https";
  throw new UsageError(`--scheme must be https or http, got ${JSON.stringify(value)}`, command);
}
