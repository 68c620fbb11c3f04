/**
 * The WebAuthn relying party is the Console's public URL: passkeys are bound to its hostname
 * (RP ID) and every ceremony must come from its origin. Behind a reverse proxy that is the
 * proxy's URL (PTERI_PUBLIC_URL), never whatever Host header a request carries.
 */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingPartyFor(publicUrl: URL): RelyingParty {
  return { id: publicUrl.hostname, name: "PTERI Console", origin: publicUrl.origin };
}

/** COSE algorithms PTERI accepts for passkeys: Ed25519, ES256 (P-256), RS256. */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257] as const;
export type PasskeyAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export const ALGORITHM_NAMES: Record<PasskeyAlgorithm, string> = { [-8]: "Ed25519", [-7]: "ES256 (P-256)", [-257]: "RS256" };

export function isSupportedAlgorithm(alg: unknown): alg is PasskeyAlgorithm {
  return typeof alg === "number" && (SUPPORTED_ALGORITHMS as readonly number[]).includes(alg);
}
