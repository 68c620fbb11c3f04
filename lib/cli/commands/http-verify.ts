/**
 * pteri http verify: the signature debugger. Rebuilds the signature base of a
 * raw request file, checks the signature as RFC 9421 defines it (only what the
 * signature itself declares, with the key the user names), then lists
 * separately everything PTERI's server policy would still refuse.
 */
import {
  parseDictionaryStrict,
  parseSignature,
  PTERI_SIGNATURE_RULES,
  requestContext,
  signatureBaseFromList,
  verifyRequest,
  type SignableRequest,
  type VerifyPolicy,
} from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { readPublicKeyFile } from "../../sdk/node";
import { defineCommand, required, seconds } from "../command";
import { EXIT } from "../errors";
import { readRequestFile, schemeOption, targetUriOf } from "../http-message";
import { printError, printJson, printLine } from "../output";
import { serverPolicyFindings, type PolicyFinding } from "../policy-report";

/** Labels in Signature-Input, for hints and the one-signature rule. */
function labelsOf(request: SignableRequest): string[] {
  const ctx = requestContext(request);
  const input = ctx.ok ? ctx.ctx.headers.get("signature-input")?.join(", ") : undefined;
  const dict = input === undefined ? undefined : parseDictionaryStrict(input);
  return dict?.ok ? [...dict.dict.keys()] : [];
}

function printText(base: string | undefined, label: string | undefined, verdict: string, findings: PolicyFinding[] | null): void {
  if (base !== undefined) {
    printLine(`Signature base${label ? ` (label "${label}")` : ""}:\n${base}`);
    printLine();
  }
  printLine(verdict);
  if (findings === null) return;
  if (findings.length === 0) {
    printLine("\nPTERI server policy: nothing to refuse in this signature (the server also needs the key enrolled and active, and the nonce unused).");
    return;
  }
  printLine("\nPTERI server policy would still refuse this request:");
  for (const f of findings) printLine(`  - ${f.code}: ${f.message}`);
}

export const httpVerify = defineCommand({
  name: "http verify",
  summary: "Verify a raw HTTP/1.1 request file's signature (debugger)",
  description: "Verifies the signature of a raw HTTP/1.1 request file. Prints the signature base it rebuilt, the\nRFC 9421 verdict with its exact reason, and, separately, what PTERI's server policy would\nstill refuse.",
  usage: "http verify --public-key FILE --request FILE [--label L] [--scheme https|http] [--now SECONDS] [--max-age SECONDS] [--json]",
  help: `Options:
  --public-key FILE   Signer's public key: SPKI PEM or JWK
  --request FILE      Request message: request line, headers, blank line, body (CRLF or LF)
  --label L           Which signature to check when the request carries several
  --scheme S          Scheme of an origin-form target ("GET /path" + Host), default https
  --now SECONDS       Check times as of this moment (default: now)
  --max-age SECONDS   Also refuse a signature whose created is older than this

The RFC 9421 check requires nothing beyond what the signature declares (no nonce, no
maximum age unless --max-age); it does check expires, and a created in the future.
PTERI's verifier needs created and keyid parameters. Server-policy findings do not
change the exit status.

Example:
  pteri http verify --public-key machine.pub.pem --request signed.http

Exit status: 0 when the signature is valid, 1 when it is not (the reason also goes to
stderr as one line), 2 on a usage error.`,
  options: {
    "public-key": { type: "string" },
    request: { type: "string" },
    label: { type: "string" },
    scheme: { type: "string" },
    now: { type: "string" },
    "max-age": { type: "string" },
  },
  async run({ values }) {
    const keyFile = required(values["public-key"], "--public-key FILE", "http verify");
    const requestFile = required(values.request, "--request FILE", "http verify");
    const scheme = schemeOption(values.scheme, "http verify");
    const now = seconds(values.now, "--now", "http verify") ?? Math.floor(Date.now() / 1000);
    const maxAge = seconds(values["max-age"], "--max-age", "http verify");
    const key = await readPublicKeyFile(keyFile);
    const message = await readRequestFile(requestFile);
    const request: SignableRequest = { method: message.method, targetUri: targetUriOf(message, scheme), headers: message.headers, body: message.body };

    const policy: VerifyPolicy = {
      requiredComponents: [], // RFC 9421: the signature declares what it covers
      requiredParams: ["created"],
      algorithms: ["ed25519"],
      maxAgeSeconds: maxAge ?? Number.MAX_SAFE_INTEGER,
      clockSkewSeconds: PTERI_SIGNATURE_RULES.clockSkewSeconds,
      now: () => now,
      label: values.label,
    };
    // The user named the key, so keyid is only reported on, never used to pick one.
    const result = await verifyRequest(request, { policy, resolveKey: () => ({ publicKey: key.raw }), backend: nodeEd25519 });

    const ctx = requestContext(request);
    const parsed = ctx.ok ? parseSignature(ctx.ctx.headers, values.label) : null;
    const sig = parsed?.ok ? parsed.parsed : undefined;
    const base = result.ok ? result.signatureBase : ctx.ok && sig ? signatureBaseFromList(ctx.ctx, sig.list) : undefined;
    const baseText = typeof base === "string" ? base : base?.ok ? base.base : undefined;
    const labels = labelsOf(request);
    const findings = sig ? serverPolicyFindings({ sig, request, body: message.body, now, signatureCount: labels.length, keyId: key.keyId }) : null;
    const hint = !result.ok && labels.length > 1 && values.label === undefined ? ` Use --label (found: ${labels.join(", ")}).` : "";
    const verdict = result.ok
      ? `RFC 9421: VALID. Signature "${result.label}" (ed25519) verifies with key ${key.keyId}.`
      : `RFC 9421: INVALID: ${result.code}: ${result.message}${hint}`;

    if (values.json) {
      printJson({
        valid: result.ok,
        ...(result.ok ? {} : { code: result.code, message: result.message + hint }),
        label: sig?.label ?? null,
        keyId: key.keyId,
        signatureBase: baseText ?? null,
        components: sig?.components ?? null,
        params: sig?.params ?? null,
        serverPolicy: findings && { wouldRefuse: findings.length > 0, findings },
      });
    } else {
      printText(baseText, sig?.label, verdict, findings);
    }
    if (result.ok) return EXIT.ok;
    printError(`signature not valid: ${result.code}: ${result.message}${hint}`);
    return EXIT.failure;
  },
});
