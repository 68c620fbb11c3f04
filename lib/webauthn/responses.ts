/**
 * Shape checks for what the browser sends back from navigator.credentials. The library verifies
 * the cryptography; these schemas make sure garbage is refused as a bad request first, and
 * bound the sizes an anonymous caller can make the server parse.
 */
import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { decodeClientDataJSON } from "@simplewebauthn/server/helpers";

const b64u = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

const common = {
  id: b64u(1024),
  rawId: b64u(1024),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};

export const authenticationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64u(4096),
    authenticatorData: b64u(4096),
    signature: b64u(2048),
    userHandle: b64u(512).optional(),
  }),
});

export const registrationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64u(4096),
    attestationObject: b64u(16384),
    authenticatorData: b64u(16384).optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64u(4096).optional(),
  }),
});

export function parseAuthenticationResponse(value: unknown): AuthenticationResponseJSON | null {
  const parsed = authenticationResponseSchema.safeParse(value);
  return parsed.success ? (parsed.data as AuthenticationResponseJSON) : null;
}

export function parseRegistrationResponse(value: unknown): RegistrationResponseJSON | null {
  const parsed = registrationResponseSchema.safeParse(value);
  return parsed.success ? (parsed.data as RegistrationResponseJSON) : null;
}

/** The challenge the client claims to answer: a lookup hint only, until the signature verifies. */
export function claimedChallenge(clientDataJSON: string): string | null {
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    return typeof challenge === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}
