/**
 * Which URLs a webhook endpoint may have. Absolute https, no user information (credentials
 * would be stored and shown in the audit log), no fragment (never sent anyway, so it could
 * only mislead). Plain http only for a receiver on this host or a private network (loopback,
 * RFC 1918, IPv6 unique-local, *.localhost): handy for testing and internal receivers, where
 * the payload does not cross the internet. The signature protects integrity either way, not
 * confidentiality.
 */
import { isIP } from "node:net";
import { WebhookError } from "./errors";
import { MAX_WEBHOOK_URL } from "./wire";

export function checkWebhookUrl(raw: string): string {
  const text = raw.trim();
  if (text.length > MAX_WEBHOOK_URL) throw new WebhookError("url_invalid", `The URL is too long (at most ${MAX_WEBHOOK_URL} characters).`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookError("url_invalid", "Enter an absolute URL such as https://hooks.example.com/pteri.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WebhookError("url_invalid", "The URL must start with https:// (or http:// for a local or private-network receiver).");
  if (url.username || url.password) throw new WebhookError("url_invalid", "The URL must not contain a user name or password; receivers authenticate PTERI by its signature.");
  if (url.hash || text.includes("#")) throw new WebhookError("url_invalid", "The URL must not contain a fragment (#…).");
  if (url.protocol === "http:" && !isLocalOrPrivate(url.hostname)) {
    throw new WebhookError("url_invalid", "Use https:// for a receiver on the internet; plain http:// is allowed only for localhost and private-network addresses.");
  }
  return url.href;
}

/** Whether the host is this machine or a private network address (by name or literal, never by DNS). */
export function isLocalOrPrivate(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (version === 6) return host === "::1" || /^f[cd][0-9a-f]{2}:/.test(host);
  return false;
}
