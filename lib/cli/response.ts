/**
 * How `pteri request` reports an answer: the body on stdout (raw, or inside
 * {status, headers, body} with --json), and for a 4xx/5xx one line on stderr,
 * with the `code` and `detail` of an RFC 9457 problem+json body when there is one.
 */
import { tryUtf8Decode } from "../protocol";
import { EXIT, oneLine } from "./errors";
import { printBytes, printDiagnostic, printError, printJson } from "./output";

function isJsonType(contentType: string | null): boolean {
  return /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType ?? "");
}

/** JSON bodies parsed, other UTF-8 text as a string, anything else as base64. */
function bodyForJson(bytes: Uint8Array, contentType: string | null): { body: unknown } | { bodyBase64: string } {
  const text = tryUtf8Decode(bytes);
  if (text === null) return { bodyBase64: Buffer.from(bytes).toString("base64") };
  if (isJsonType(contentType)) {
    try {
      return { body: JSON.parse(text) as unknown };
    } catch {
      // Fall through: a server that mislabels its body still gets it shown.
    }
  }
  return { body: text };
}

/** `HTTP 403 policy_denied: No policy allows ...` for a problem+json body, else `HTTP 404 Not Found`. */
export function failureLine(response: Response, bytes: Uint8Array): string {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (!isJsonType(response.headers.get("content-type"))) return status;
  try {
    const problem = JSON.parse(tryUtf8Decode(bytes) ?? "") as { code?: unknown; type?: unknown; detail?: unknown; title?: unknown };
    const code = typeof problem.code === "string" ? problem.code : typeof problem.type === "string" ? problem.type : undefined;
    const detail = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : undefined;
    if (code && detail) return `HTTP ${response.status} ${code}: ${detail}`;
    return code || detail ? `HTTP ${response.status} ${code ?? detail}` : status;
  } catch {
    return status;
  }
}

export function printResponseHead(response: Response): void {
  printDiagnostic(`< HTTP ${response.status} ${response.statusText}`.trimEnd());
  response.headers.forEach((value, name) => printDiagnostic(`< ${name}: ${oneLine(value)}`));
}

/** Prints the answer and returns the exit status (22 for 4xx/5xx, like curl --fail). */
export function reportResponse(response: Response, bytes: Uint8Array, json: boolean): number {
  if (json) {
    const headers = Object.fromEntries(response.headers);
    printJson({ status: response.status, headers, ...bodyForJson(bytes, response.headers.get("content-type")) });
  } else {
    printBytes(bytes);
  }
  if (response.status < 400) return EXIT.ok;
  printError(failureLine(response, bytes));
  return EXIT.httpError;
}
