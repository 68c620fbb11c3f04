/**
 * Chromium's virtual WebAuthn authenticator, driven over the DevTools protocol: it creates and
 * uses real passkeys (P-256 or Ed25519) without any user gesture. Credentials can be exported
 * (with their private key, test-only) and re-imported into another browser context, so a test can
 * sign in again as an operator created earlier.
 */
import type { BrowserContext, CDPSession, Page } from "@playwright/test";

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  credentials(): Promise<VirtualCredential[]>;
  add(credential: VirtualCredential): Promise<void>;
}

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return {
    cdp,
    authenticatorId,
    async credentials() {
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      return credentials as VirtualCredential[];
    },
    async add(credential) {
      await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
    },
  };
}

/** A page in a fresh browser context whose authenticator holds the given passkeys. */
export async function pageWithPasskeys(context: BrowserContext, credentials: VirtualCredential[] = []): Promise<{ page: Page; authenticator: VirtualAuthenticator }> {
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(page);
  for (const credential of credentials) await authenticator.add(credential);
  return { page, authenticator };
}
