/**
 * From the bytes a machine sent to a validated intent document, its canonical form and its
 * hash, or an IntentError that says what to fix. Nothing here touches the database.
 *
 * Beyond the schema (wire.ts), the text itself must be unambiguous, because the hash is the
 * intent's identity and other parsers (the SDK in other languages, a resource service) must
 * read the same document from the same bytes:
 *  - UTF-8, a JSON object, no member name twice in one object (JSON.parse silently keeps the
 *    last one; other parsers keep the first), no `__proto__` member name;
 *  - no lone surrogates (they have no UTF-8 form, so two different documents would hash alike);
 *  - nesting of at most MAX_TEXT_DEPTH, checked before anything recursive runs;
 *  - the validated document must canonicalize exactly as the submitted one does, so the schema
 *    can never silently drop or change something that was sent.
 */
import { isWellFormedUnicode, tryUtf8Decode } from "../protocol/encoding";
import { canonicalJson } from "../protocol/jcs";
import { INTENT_LIMITS, intentDocumentSchema, intentHash, type IntentDocument } from "./wire";
import { IntentError } from "./errors";

/** The largest body accepted (whitespace included); the canonical form has its own limit (INTENT_LIMITS.maxBytes). */
export const MAX_INTENT_BODY_BYTES = 256 * 1024;
/** Nesting of the whole document: params nest at most INTENT_LIMITS.maxParamsDepth below it. */
export const MAX_TEXT_DEPTH = INTENT_LIMITS.maxParamsDepth + 4;

export interface ParsedIntent {
  document: IntentDocument;
  /** RFC 8785 canonical JSON of the document: what is hashed and stored. */
  canonical: string;
  hash: { hex: string; base64url: string };
  /** The body as received (UTF-8 text). */
  text: string;
}

interface TextScan {
  depth: number;
  /** The first member name found twice in one object. */
  duplicate?: string;
  proto: boolean;
}

/**
 * One pass over JSON text that JSON.parse already accepted: the deepest nesting, the first
 * member name repeated within one object, and whether `__proto__` is a member name.
 * Iterative, so no nesting depth can overflow the stack.
 */
export function scanJsonText(text: string): TextScan {
  const stack: (Set<string> | null)[] = [];
  let depth = 0;
  let keyNext = false;
  let duplicate: string | undefined;
  let proto = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      if (keyNext && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (key === "__proto__") proto = true;
        if (top.has(key)) duplicate ??= key;
        top.add(key);
        keyNext = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push(c === 0x7b ? new Set() : null);
      depth = Math.max(depth, stack.length);
      keyNext = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      keyNext = stack[stack.length - 1] != null;
    }
  }
  return { depth, duplicate, proto };
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, key) => (typeof key === "number" ? `${at}[${key}]` : `${at}${at ? "." : ""}${String(key)}`), "");
}

/** Parses, checks and hashes a submitted intent; throws IntentError (nothing else) for bad input. */
export function parseIntentBody(body: Uint8Array): ParsedIntent {
  if (body.length === 0) throw new IntentError("body_invalid", "Send the intent document as the JSON body (see docs/intents.md).");
  if (body.length > MAX_INTENT_BODY_BYTES) {
    throw new IntentError("intent_too_large", `The body is ${body.length} bytes; an intent submission can be at most ${MAX_INTENT_BODY_BYTES} bytes (and ${INTENT_LIMITS.maxBytes} bytes in canonical form).`);
  }
  const text = tryUtf8Decode(body);
  if (text === null) throw new IntentError("body_invalid", "The body is not valid UTF-8 text.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new IntentError("body_invalid", "The body is not valid JSON; send the intent document as a JSON object.");
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new IntentError("body_invalid", "The body must be a JSON object: the intent document.");
  const scan = scanJsonText(text);
  if (scan.depth > MAX_TEXT_DEPTH) throw new IntentError("intent_invalid", `The document nests ${scan.depth} levels deep; parameters nest at most ${INTENT_LIMITS.maxParamsDepth} levels.`, { path: ["params"] });
  if (scan.duplicate !== undefined) {
    throw new IntentError("intent_invalid", `The member name ${JSON.stringify(scan.duplicate.slice(0, 100))} appears twice in one object; parsers disagree on which one counts, so an intent must name each member once.`);
  }
  if (scan.proto) throw new IntentError("intent_invalid", 'The member name "__proto__" is not allowed in an intent document.');

  const result = intentDocumentSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = zodPath(issue.path);
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem${result.error.issues.length > 2 ? "s" : ""})` : "";
    throw new IntentError("intent_invalid", `${at || "The document"}: ${issue.message}${more}.`, {
      path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
      issues: result.error.issues.slice(0, 20).map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })),
    });
  }
  const document = result.data;
  let canonical: string;
  try {
    canonical = canonicalJson(document);
    if (canonical !== canonicalJson(raw)) throw new TypeError("changed by validation");
  } catch (error) {
    // Numbers JSON parses as Infinity (1e400), or anything the schema would have changed.
    const why = error instanceof TypeError && error.message !== "changed by validation" ? error.message.replace(/^canonicalJson: /, "") : "it has values that have no single canonical form";
    throw new IntentError("intent_invalid", `The document cannot be canonicalized (RFC 8785): ${why}.`);
  }
  if (!isWellFormedUnicode(canonical)) throw new IntentError("intent_invalid", "The document contains a lone surrogate (an unpaired \\ud800-\\udfff escape); strings must be well-formed Unicode.");
  const size = new TextEncoder().encode(canonical).length;
  if (size > INTENT_LIMITS.maxBytes) throw new IntentError("intent_too_large", `The canonical document is ${size} bytes; an intent can be at most ${INTENT_LIMITS.maxBytes} bytes.`);
  return { document, canonical, hash: intentHash(document), text };
}
