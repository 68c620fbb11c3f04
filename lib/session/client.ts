/**
 * Who is asking, for rate limits and audit evidence. The address is the right-most
 * X-Forwarded-For entry: the one the nearest hop (the reverse proxy, or Next.js itself when the
 * request arrives directly) recorded. A client talking to Next.js directly can put any value
 * there, which is why per-address limits are backed by per-passkey limits; deploy behind a proxy
 * that appends the header to make the address trustworthy.
 */
import type { RequestContext } from "../operators/sign-in";

export function requestContext(headers: Headers): RequestContext {
  const forwarded = headers.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
  const ip = forwarded?.at(-1) ?? headers.get("x-real-ip") ?? "unknown";
  return { ip: ip.slice(0, 64), userAgent: (headers.get("user-agent") ?? "").slice(0, 300) };
}
