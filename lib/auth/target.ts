/**
 * The target URI a signature must cover, rebuilt from the configured public URL
 * (PTERI_PUBLIC_URL) and the request's path and query. Never from Host or X-Forwarded-*:
 * behind a reverse proxy those name the proxy's upstream, and a client could set them to
 * anything. A path prefix in the public URL (https://example.com/pteri) is prepended, which
 * is right for a proxy that strips the prefix before forwarding.
 */
export function rebuildTargetUri(publicUrl: URL, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  const prefix = publicUrl.pathname === "/" ? "" : publicUrl.pathname.replace(/\/+$/, "");
  return `${publicUrl.origin}${prefix}${url.pathname}${url.search}`;
}
