/**
 * One-time tokens (setup links, invitations): 32 random bytes, base64url. The token is shown
 * once; only its SHA-256 is stored, so a database copy cannot be turned into a working link.
 */
import { createHash, randomBytes } from "node:crypto";
import { base64UrlEncode } from "../protocol/encoding";

export const TOKEN_PREFIX_LENGTH = 6;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedToken {
  token: string;
  hash: string;
  prefix: string;
}

export function issueToken(): IssuedToken {
  const token = base64UrlEncode(randomBytes(32));
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX_LENGTH) };
}

export function hashToken(token: string): string {
  return base64UrlEncode(createHash("sha256").update(token, "utf8").digest());
}

/** True if the text has a token's shape; anything else is refused before touching the database. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === "string" && TOKEN_RE.test(value);
}

/** Random identifiers that are not secrets but must not be guessable (sessions, user handles). */
export function randomId(bytes = 16): string {
  return base64UrlEncode(randomBytes(bytes));
}
