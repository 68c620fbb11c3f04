/**
 * RFC 9421 section 2: component values. PTERI supports the derived components
 * a request needs and plain header fields. Anything else (other derived
 * components, component parameters such as sf, key, bs, req, tr, name) is
 * refused with `component_unsupported` rather than approximated: a verifier
 * that silently computes a different value than the signer is a bypass waiting
 * to happen.
 */
import { failure, type Failure } from "./errors";
import type { RequestContext } from "./message";

export const DERIVED_COMPONENTS = ["@method", "@target-uri", "@authority", "@scheme", "@path", "@query"] as const;
export type DerivedComponent = (typeof DERIVED_COMPONENTS)[number];

/** Lowercase HTTP field-name token (RFC 9110 section 5.1). */
const FIELD_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9a-z]{1,128}$/;
// The signature base is ASCII (RFC 9421 section 2.5). A CR or LF left after
// obs-fold removal would let a value forge extra lines in the base, and
// non-ASCII (obs-text) has no single agreed byte encoding across
// implementations, so a covered value must be printable ASCII or HTAB.
const FORBIDDEN_IN_VALUE = /[^\x09\x20-\x7e]/;

function isDerived(name: string): name is DerivedComponent {
  return (DERIVED_COMPONENTS as readonly string[]).includes(name);
}

/** Checks a component identifier's name; null when PTERI can compute it. */
export function checkComponentName(name: string): Failure | null {
  if (name === "@signature-params") {
    return failure("signature_malformed", "@signature-params cannot be a covered component (RFC 9421 section 2.3).");
  }
  if (name.startsWith("@")) {
    return isDerived(name)
      ? null
      : failure("component_unsupported", `Derived component ${JSON.stringify(name.slice(0, 64))} is not supported; use ${DERIVED_COMPONENTS.join(", ")}.`);
  }
  if (!FIELD_NAME_RE.test(name)) {
    return failure("signature_malformed", "A covered header name is not a lowercase HTTP field name.");
  }
  return null;
}

function derivedValue(ctx: RequestContext, name: DerivedComponent): string {
  const { url } = ctx;
  switch (name) {
    case "@method":
      return ctx.method;
    case "@scheme":
      return url.protocol.slice(0, -1); // URL lowercases the scheme
    case "@authority":
      return url.host; // lowercased host; URL drops the scheme's default port
    case "@path":
      return url.pathname || "/";
    case "@query":
      return url.search || "?"; // RFC 9421 2.2.7: "?" alone when there is no query
    case "@target-uri":
      // Reassembled per RFC 9110 section 7.1 (no userinfo, no fragment) so both
      // sides use the normalized form whatever spelling the caller passed.
      return `${url.protocol}//${url.host}${url.pathname || "/"}${url.search}`;
  }
}

/**
 * RFC 9421 section 2.1: strip leading/trailing whitespace of each field line,
 * replace obsolete line folding with a single space, join lines with ", ".
 */
function fieldValue(ctx: RequestContext, name: string): string | undefined {
  const lines = ctx.headers.get(name);
  if (lines === undefined) return undefined;
  return lines.map((line) => line.replace(/\r?\n[ \t]+/g, " ").trim()).join(", ");
}

export type ComponentValue = { ok: true; value: string } | Failure;

/** The value of one covered component for this request. */
export function componentValue(ctx: RequestContext, name: string): ComponentValue {
  const problem = checkComponentName(name);
  if (problem) return problem;
  if (isDerived(name)) return { ok: true, value: derivedValue(ctx, name) };
  const value = fieldValue(ctx, name);
  if (value === undefined) {
    return failure("header_missing", `The request has no ${name} header, but the signature covers it.`);
  }
  if (FORBIDDEN_IN_VALUE.test(value)) {
    return failure("signature_malformed", `The covered ${name} header contains control or non-ASCII characters.`);
  }
  return { ok: true, value };
}
