/** Shared fixtures for the HTTP signature tests. */
import { createContentDigest } from "../digest";
import { nodeEd25519 } from "../ed25519-node";
import { keyPairFromSeed, type GeneratedKeyPair } from "../keys";
import { PTERI_SIGNATURE_RULES, signRequest, type KeyRejection, type SignableRequest, type SignOptions, type VerifyPolicy } from "../httpsig";

export const NOW = 1_760_000_000;

export async function testKey(fill: number): Promise<GeneratedKeyPair> {
  return keyPairFromSeed(new Uint8Array(32).fill(fill), nodeEd25519);
}

export const [alice, bob, mallory] = await Promise.all([testKey(1), testKey(2), testKey(3)]);

export type Machine = { publicKey: Uint8Array; machine: string; status?: "active" };

/** Key store: alice active, bob active, "revoked"/"suspended" ids, everything else unknown. */
export function resolveKey(keyId: string): Machine | KeyRejection | null {
  if (keyId === alice.publicKey.keyId) return { publicKey: alice.publicKey.raw, machine: "alice" };
  if (keyId === bob.publicKey.keyId) return { publicKey: bob.publicKey.raw, machine: "bob", status: "active" };
  if (keyId === "revoked-key") return { status: "revoked" };
  if (keyId === "suspended-key") return { status: "suspended" };
  return null;
}

/** An in-memory nonce store that records what it was asked. */
export function nonceStore() {
  const seen = new Set<string>();
  const calls: { keyId: string; nonce: string; expiresAt: number }[] = [];
  return {
    calls,
    checkNonce: (keyId: string, nonce: string, expiresAt: number) => {
      calls.push({ keyId, nonce, expiresAt });
      const k = `${keyId} ${nonce}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    },
  };
}

export function pteriPolicy(over: Partial<VerifyPolicy> = {}): VerifyPolicy {
  return { ...PTERI_SIGNATURE_RULES, now: () => NOW, checkNonce: nonceStore().checkNonce, ...over };
}

export function jsonRequest(body = '{"action":"deploy"}', extra: Record<string, string> = {}): SignableRequest {
  return {
    method: "POST",
    targetUri: "https://pteri.example/api/v1/intents?dry=1",
    headers: { "Content-Type": "application/json", "Content-Digest": createContentDigest(body), ...extra },
    body,
  };
}

export const BODY_COMPONENTS = ["@method", "@target-uri", "content-digest", "content-type"];

/** Signs `request` and returns it with the signature headers added. */
export async function signed(request: SignableRequest, opts: Partial<SignOptions> = {}): Promise<SignableRequest> {
  const result = await signRequest(request, {
    key: alice.seed,
    keyId: alice.publicKey.keyId,
    backend: nodeEd25519,
    components: BODY_COMPONENTS,
    created: NOW,
    ...opts,
  });
  return withHeaders(request, { "Signature-Input": result.headers["Signature-Input"], Signature: result.headers.Signature });
}

/** Returns a copy with headers set or replaced (case-insensitive). */
export function withHeaders(request: SignableRequest, set: Record<string, string | undefined>): SignableRequest {
  const lower = new Set(Object.keys(set).map((k) => k.toLowerCase()));
  const kept = Object.entries(request.headers as Record<string, string>).filter(([k]) => !lower.has(k.toLowerCase()));
  const added = Object.entries(set).filter((e): e is [string, string] => e[1] !== undefined);
  return { ...request, headers: Object.fromEntries([...kept, ...added]) };
}
