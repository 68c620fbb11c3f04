/**
 * The Console's web-facing settings, derived once per process from the configuration: the
 * WebAuthn relying party, whether cookies must be Secure, the session cookie's name, and the
 * session secret (read from the data directory at run time; never from an env file, never logged).
 */
import { loadOrCreateSecret } from "../config/data-dir";
import { loadConfig, type Config } from "../config/env";
import { relyingPartyFor, type RelyingParty } from "../webauthn/relying-party";
import { sessionCookieName } from "./cookies";

export interface WebContext {
  config: Config;
  rp: RelyingParty;
  /** True when PTERI_PUBLIC_URL is https: cookies get Secure and the __Secure- prefix. */
  secure: boolean;
  sessionCookie: string;
  sessionSecret: string;
}

let cached: WebContext | undefined;

export function webContext(): WebContext {
  if (!cached) {
    const config = loadConfig();
    const secure = config.publicUrl.protocol === "https:";
    cached = {
      config,
      rp: relyingPartyFor(config.publicUrl),
      secure,
      sessionCookie: sessionCookieName(secure),
      sessionSecret: loadOrCreateSecret(config.dataDir, "session"),
    };
  }
  return cached;
}
