import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Configured for https before anything reads the configuration.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-auth-options-"));
process.env.PTERI_DATA_DIR = dir;
process.env.PTERI_PUBLIC_URL = "https://console.example.com/";
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("next-auth options behind https", () => {
  it("use Secure, HttpOnly, SameSite=Lax cookies with the __Secure- prefix, an 8-hour JWT, and the data directory's secret", async () => {
    const { authOptions } = await import("@/lib/session/auth-options");
    const options = authOptions();
    expect(options.useSecureCookies).toBe(true);
    expect(options.cookies?.sessionToken).toEqual({ name: "__Secure-pteri.session", options: { httpOnly: true, sameSite: "lax", path: "/", secure: true } });
    expect(options.session).toMatchObject({ strategy: "jwt", maxAge: 8 * 3600 });
    expect(process.env.NEXTAUTH_URL).toBe("https://console.example.com/api/auth");
    const secretFile = path.join(dir, "session.secret");
    expect(options.secret).toBe(fs.readFileSync(secretFile, "utf8").trim());
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    // next-auth merges a provider's own options (id "passkey") over its defaults at run time.
    expect(options.providers.map((p) => (p.options as { id?: string } | undefined)?.id ?? p.id)).toEqual(["passkey"]);
  });
});
