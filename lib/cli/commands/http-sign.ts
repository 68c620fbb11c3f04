/**
 * pteri http sign: signs a raw HTTP/1.1 request file the way PTERI's SDK
 * signs requests, and prints the request with the signature headers added.
 */
import { checkContentDigest, createContentDigest, defaultComponents, headerValue, normalizeHeaders, signRequest, SigningError } from "../../protocol";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import { readPrivateKeyFile } from "../../sdk/node";
import { defineCommand, required, seconds } from "../command";
import { CliError } from "../errors";
import { readRequestFile, schemeOption, serializeHttpRequest, setHeader, targetUriOf } from "../http-message";
import { printBytes, printJson } from "../output";

export const httpSign = defineCommand({
  name: "http sign",
  summary: "Sign a raw HTTP/1.1 request file",
  description: "Signs a raw HTTP/1.1 request file with your key and prints it with Signature-Input and\nSignature (and Content-Digest, if missing) added.",
  usage: "http sign --key FILE --request FILE [--label L] [--scheme https|http] [--now SECONDS] [--json]",
  help: `Options:
  --key FILE        Private key (PKCS#8 PEM from pteri keygen, or a private JWK)
  --request FILE    Request message: request line, headers, blank line, body (CRLF or LF)
  --label L         Signature label (default sig1); existing signatures are kept
  --scheme S        Scheme of an origin-form target ("GET /path" + Host), default https
  --now SECONDS     Use this time as "created" (default: now)

Covers @method, @target-uri and, with a body, content-digest and content-type, with
created, expires (+300 s), nonce, keyid and alg="ed25519". A missing Content-Digest is
computed (sha-256) and added. With --json, prints {label, keyId, signatureBase, headers}.

Example:
  pteri http sign --key machine.pem --request req.http > signed.http

Exit status: 0 when signed, 1 if the request cannot be signed as is, 2 on a usage error.`,
  options: {
    key: { type: "string" },
    request: { type: "string" },
    label: { type: "string" },
    scheme: { type: "string" },
    now: { type: "string" },
  },
  async run({ values }) {
    const keyFile = required(values.key, "--key FILE", "http sign");
    const requestFile = required(values.request, "--request FILE", "http sign");
    const scheme = schemeOption(values.scheme, "http sign");
    const created = seconds(values.now, "--now", "http sign");
    const key = await readPrivateKeyFile(keyFile);
    const message = await readRequestFile(requestFile);
    const hasBody = message.body.length > 0;
    const added: Record<string, string> = {};
    if (hasBody) {
      const existing = headerValue(normalizeHeaders(message.headers), "content-digest");
      if (existing === undefined) {
        added["Content-Digest"] = createContentDigest(message.body, "sha-256");
        setHeader(message, "Content-Digest", added["Content-Digest"]);
      } else {
        const check = checkContentDigest(existing, message.body);
        if (!check.ok) throw new CliError(`cannot sign: ${check.message} Remove the header to have it computed.`);
      }
    }
    let signed;
    try {
      signed = await signRequest(
        { method: message.method, targetUri: targetUriOf(message, scheme), headers: message.headers, body: message.body },
        { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: defaultComponents(hasBody), label: values.label, created },
      );
    } catch (error) {
      if (error instanceof SigningError) throw new CliError(`cannot sign: ${error.message}`);
      throw error;
    }
    setHeader(message, "Signature-Input", signed.headers["Signature-Input"]);
    setHeader(message, "Signature", signed.headers.Signature);
    if (values.json) {
      printJson({ label: signed.label, keyId: key.publicKey.keyId, signatureBase: signed.signatureBase, headers: { ...added, ...signed.headers } });
    } else {
      printBytes(serializeHttpRequest(message));
    }
    return 0;
  },
});
