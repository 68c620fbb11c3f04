/**
 * A passkey's public key in the forms offline verifiers need: the COSE_Key the authenticator
 * sent (base64url), its algorithm, a JWK and a DER SPKI. Approvals signed with the passkey can
 * then be checked later by anyone with WebCrypto, node:crypto or OpenSSL, without PTERI.
 */
import { createPublicKey, type JsonWebKey } from "node:crypto";
import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";
import { base64UrlEncode, spkiFromRaw, publicKeyToJwk } from "../protocol";
import { isSupportedAlgorithm, type PasskeyAlgorithm } from "./relying-party";

export interface PasskeyPublicKey {
  algorithm: PasskeyAlgorithm;
  cose: string;
  jwk: JsonWebKey;
  spki: string;
}

export function describePublicKey(coseKey: Uint8Array<ArrayBuffer>): PasskeyPublicKey {
  const key = decodeCredentialPublicKey(coseKey);
  const alg = key.get(cose.COSEKEYS.alg);
  if (!isSupportedAlgorithm(alg)) throw new TypeError(`unsupported passkey algorithm ${String(alg)}`);
  const jwk = toJwk(key, alg);
  // Ed25519 reuses the protocol library's encodings; the others go through node:crypto.
  const spki =
    jwk.kty === "OKP" && typeof jwk.x === "string"
      ? spkiFromRaw(Buffer.from(jwk.x, "base64url"))
      : createPublicKey({ key: jwk, format: "jwk" }).export({ format: "der", type: "spki" });
  return { algorithm: alg, cose: base64UrlEncode(coseKey), jwk, spki: base64UrlEncode(new Uint8Array(spki)) };
}

function toJwk(key: cose.COSEPublicKey, alg: PasskeyAlgorithm): JsonWebKey {
  if (alg === -8 && cose.isCOSEPublicKeyOKP(key)) {
    const x = key.get(cose.COSEKEYS.x);
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.ED25519 || !x) throw new TypeError("malformed Ed25519 COSE key");
    return { ...publicKeyToJwk(x) };
  }
  if (alg === -7 && cose.isCOSEPublicKeyEC2(key)) {
    const x = key.get(cose.COSEKEYS.x);
    const y = key.get(cose.COSEKEYS.y);
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.P256 || !x || !y) throw new TypeError("malformed P-256 COSE key");
    return { kty: "EC", crv: "P-256", x: base64UrlEncode(x), y: base64UrlEncode(y) };
  }
  if (alg === -257 && cose.isCOSEPublicKeyRSA(key)) {
    const n = key.get(cose.COSEKEYS.n);
    const e = key.get(cose.COSEKEYS.e);
    if (!n || !e) throw new TypeError("malformed RSA COSE key");
    return { kty: "RSA", n: base64UrlEncode(n), e: base64UrlEncode(e) };
  }
  throw new TypeError("the COSE key type does not match its algorithm");
}
