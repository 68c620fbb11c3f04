/**
 * The two WebAuthn ceremonies with PTERI's policy fixed in one place: the relying party from
 * the public URL, user verification required, discoverable credentials, the algorithm
 * allowlist, no attestation (PTERI trusts the operator who registers, not a device vendor).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { base64UrlDecode } from "../protocol/encoding";
import { describePublicKey, type PasskeyPublicKey } from "./public-key";
import { SUPPORTED_ALGORITHMS, type RelyingParty } from "./relying-party";
import { CHALLENGE_TTL_MS } from "./challenges";

export interface RegistrationRequest {
  challenge: string;
  userHandle: string;
  userName: string;
  excludeCredentialIds?: string[];
}

export function registrationOptions(rp: RelyingParty, req: RegistrationRequest): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: req.userName,
    userDisplayName: req.userName,
    userID: base64UrlDecode(req.userHandle) as Uint8Array<ArrayBuffer>,
    // Bytes, not the string: given a string the library would encode its UTF-8, and the
    // browser would echo a different value than the one stored.
    challenge: base64UrlDecode(req.challenge) as Uint8Array<ArrayBuffer>,
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    excludeCredentials: (req.excludeCredentialIds ?? []).map((id) => ({ id })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
  });
}

export interface VerifiedPasskey {
  credentialId: string;
  publicKey: PasskeyPublicKey;
  signCount: number;
  transports: string[];
  aaguid: string;
  deviceType: string;
  backedUp: boolean;
}

/** Verifies a registration answer; null when it does not verify (the reason is not needed). */
export async function verifyRegistration(rp: RelyingParty, challenge: string, response: RegistrationResponseJSON): Promise<VerifiedPasskey | null> {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
    });
    if (!result.verified) return null;
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: describePublicKey(info.credential.publicKey),
      signCount: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  } catch {
    return null;
  }
}

/**
 * At sign-in no allowCredentials: passkeys are discoverable, so the browser offers the
 * operator's own and the server learns who is signing in only from a verified assertion. A
 * signed-in operator's ceremony (an approval) lists that operator's passkeys.
 */
export function authenticationOptions(
  rp: RelyingParty,
  challenge: string,
  allowCredentials?: { id: string; transports?: string[] }[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: base64UrlDecode(challenge) as Uint8Array<ArrayBuffer>,
    timeout: CHALLENGE_TTL_MS,
    userVerification: "required",
    ...(allowCredentials ? { allowCredentials } : {}),
  });
}

export interface StoredCredential {
  credentialId: string;
  publicKeyCose: string;
  signCount: number;
}

/** Verifies an assertion; returns the new signature counter, or null when it does not verify. */
export async function verifyAssertion(
  rp: RelyingParty,
  challenge: string,
  response: AuthenticationResponseJSON,
  credential: StoredCredential,
): Promise<{ signCount: number } | null> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: credential.credentialId,
        publicKey: base64UrlDecode(credential.publicKeyCose) as Uint8Array<ArrayBuffer>,
        counter: credential.signCount,
      },
    });
    return result.verified ? { signCount: result.authenticationInfo.newCounter } : null;
  } catch {
    // Includes a signature counter that went backwards: a sign of a cloned authenticator.
    return null;
  }
}
