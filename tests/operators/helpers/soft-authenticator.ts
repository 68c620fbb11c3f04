/**
 * A software WebAuthn authenticator for tests: it builds the same registration and assertion
 * responses a browser returns (packed in "none" attestation, CBOR COSE keys, real signatures)
 * with Ed25519 or P-256 keys from node:crypto, so the server's verification runs for real.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

const b64u = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

export type Algorithm = "Ed25519" | "P-256";

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x?: string; y?: string };
  signCount = 0;
  userHandle = "";

  constructor(
    readonly origin: string,
    readonly algorithm: Algorithm = "Ed25519",
  ) {
    const pair = algorithm === "Ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicJwk = pair.publicKey.export({ format: "jwk" });
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  private get rpId(): string {
    return new URL(this.origin).hostname;
  }

  private coseKey(): Uint8Array {
    const x = Buffer.from(this.publicJwk.x ?? "", "base64url");
    const key =
      this.algorithm === "Ed25519"
        ? new Map<number, number | Uint8Array>([[1, 1], [3, -8], [-1, 6], [-2, x]])
        : new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, Buffer.from(this.publicJwk.y ?? "", "base64url")]]);
    return isoCBOR.encode(key);
  }

  private authData(flags: number, attested?: Uint8Array): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.signCount);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  /** What navigator.credentials.create() returns for these options. */
  register(options: { challenge: string; user: { id: string } }, overrides: { origin?: string } = {}): RegistrationResponseJSON {
    this.userHandle = options.user.id;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, this.coseKey()]);
    const authData = this.authData(0x01 | 0x04 | 0x40, attested); // UP, UV, AT
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]) as never);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
    };
  }

  /** What navigator.credentials.get() returns for these options. */
  assert(options: { challenge: string }, overrides: { origin?: string; counter?: number } = {}): AuthenticationResponseJSON {
    this.signCount = overrides.counter ?? this.signCount + 1;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }));
    const authData = this.authData(0x01 | 0x04);
    const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
    const signature = this.algorithm === "Ed25519" ? sign(null, signed, this.privateKey) : sign("sha256", signed, this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature), userHandle: this.userHandle || undefined },
      clientExtensionResults: {},
    };
  }
}
