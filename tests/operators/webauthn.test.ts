import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import { describe, expect, it } from "vitest";
import { publicKeyToJwk } from "@/lib/protocol";
import { hasPermission, PERMISSIONS } from "@/lib/operators/permissions";
import { parseRoles, serializeRoles } from "@/lib/operators/roles";
import { hashToken, issueToken } from "@/lib/operators/tokens";
import { describePublicKey } from "@/lib/webauthn/public-key";
import { claimedChallenge, parseAuthenticationResponse } from "@/lib/webauthn/responses";
import { isSameOrigin } from "@/lib/session/origin";
import { requestContext } from "@/lib/session/client";

describe("passkey public keys for offline verification", () => {
  it("Ed25519: JWK matches the protocol library's, SPKI verifies a signature", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const x = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 1], [3, -8], [-1, 6], [-2, x]]));
    const described = describePublicKey(cose as Uint8Array<ArrayBuffer>);
    expect(described.algorithm).toBe(-8);
    expect(described.jwk).toEqual(publicKeyToJwk(x));
    const spki = createPublicKey({ key: Buffer.from(described.spki, "base64url"), format: "der", type: "spki" });
    expect(verify(null, Buffer.from("m"), spki, sign(null, Buffer.from("m"), privateKey))).toBe(true);
  });

  it("P-256: JWK and SPKI agree with the key", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, "base64url")], [-3, Buffer.from(jwk.y!, "base64url")]]));
    const described = describePublicKey(cose as Uint8Array<ArrayBuffer>);
    expect(described).toMatchObject({ algorithm: -7, jwk: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y } });
    const spki = createPublicKey({ key: Buffer.from(described.spki, "base64url"), format: "der", type: "spki" });
    expect(verify("sha256", Buffer.from("m"), spki, sign("sha256", Buffer.from("m"), privateKey))).toBe(true);
  });

  it("refuses algorithms outside the allowlist and keys that contradict their algorithm", () => {
    const es384 = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -35], [-1, 2], [-2, new Uint8Array(48)], [-3, new Uint8Array(48)]]));
    expect(() => describePublicKey(es384 as Uint8Array<ArrayBuffer>)).toThrow(/unsupported/);
    const lying = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -8], [-1, 1], [-2, new Uint8Array(32)], [-3, new Uint8Array(32)]]));
    expect(() => describePublicKey(lying as Uint8Array<ArrayBuffer>)).toThrow();
  });
});

describe("untrusted input", () => {
  it("assertion shape and challenge hints are checked before any lookup", () => {
    expect(parseAuthenticationResponse({ id: "a", rawId: "a", type: "public-key", response: {} })).toBeNull();
    expect(parseAuthenticationResponse("x".repeat(10))).toBeNull();
    expect(claimedChallenge("not base64url!")).toBeNull();
    expect(claimedChallenge(Buffer.from(JSON.stringify({ challenge: "short" })).toString("base64url"))).toBeNull();
  });

  it("tokens: 256 bits, stored as SHA-256, with a short display prefix", () => {
    const t = issueToken();
    expect(t.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.hash).toBe(hashToken(t.token));
    expect(t.hash).not.toContain(t.token);
    expect(t.token.startsWith(t.prefix)).toBe(true);
    expect(issueToken().token).not.toBe(t.token);
  });

  it("roles: unknown names grant nothing", () => {
    expect(parseRoles('["admin","root","approver","admin"]')).toEqual(["admin", "approver"]);
    expect(parseRoles("not json")).toEqual([]);
    expect(serializeRoles(["auditor", "admin"])).toBe('["admin","auditor"]');
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(hasPermission([], permission)).toBe(false);
  });

  it("origin check: exact origin, or same-origin fetch metadata; nothing else", () => {
    const url = new URL("https://console.example.com");
    const h = (init: Record<string, string>) => new Headers(init);
    expect(isSameOrigin(h({ origin: "https://console.example.com" }), url)).toBe(true);
    expect(isSameOrigin(h({ origin: "https://console.example.com.evil.net" }), url)).toBe(false);
    expect(isSameOrigin(h({ origin: "http://console.example.com" }), url)).toBe(false);
    expect(isSameOrigin(h({ origin: "null" }), url)).toBe(false);
    expect(isSameOrigin(h({ "sec-fetch-site": "same-origin" }), url)).toBe(true);
    expect(isSameOrigin(h({ "sec-fetch-site": "cross-site" }), url)).toBe(false);
    expect(isSameOrigin(h({}), url)).toBe(false);
  });

  it("client address: the right-most X-Forwarded-For entry (what the nearest proxy saw)", () => {
    expect(requestContext(new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.1" })).ip).toBe("10.0.0.1");
    expect(requestContext(new Headers({})).ip).toBe("unknown");
  });
});
