import { expect, test } from "@playwright/test";
import { pageWithPasskeys } from "./helpers/authenticator";
import { admin } from "./helpers/host";
import { ADMIN_STATE, alertOn, anonymousContext, loadPasskeys, loadState, savePasskeys, signedInAs, signIn, signOut } from "./helpers/operators";

test.describe("anonymous visitors", () => {
  test("are sent to sign-in from Console pages, and come back to the page after signing in", async ({ browser }) => {
    const context = await anonymousContext(browser);
    const page = await context.newPage();
    await page.goto("/operators");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Foperators$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await context.close();

    const { page: signedIn, context: second } = await signedInAs(browser, "admin", "/operators");
    await expect(signedIn.getByRole("heading", { level: 1, name: "Operators" })).toBeVisible();
    await second.close();
  });

  test("get 401 problems from protected APIs, while health stays public", async ({ playwright, baseURL }) => {
    const api = await playwright.request.newContext({ baseURL });
    for (const path of ["/api/operators", "/api/invitations", "/api/account", "/api/account/passkeys", "/api/teams"]) {
      const response = await api.get(path);
      expect(response.status(), path).toBe(401);
      expect(response.headers()["content-type"]).toContain("application/problem+json");
      expect((await response.json()).code).toBe("unauthenticated");
    }
    expect((await api.get("/api/health")).status()).toBe(200);
    await api.dispose();
  });
});

test.describe("one-time links", () => {
  test("a used setup link is refused, and no new one is issued once an operator exists", async ({ browser }) => {
    const page = await (await anonymousContext(browser)).newPage();
    await page.goto(loadState("setup-link"));
    await expect(alertOn(page)).toHaveText(/already used/);
    expect(() => admin(["setup-link"])).toThrow(/operators already exist/);
  });

  test("a forged or truncated link is refused", async ({ browser }) => {
    const page = await (await anonymousContext(browser)).newPage();
    await page.goto(`/invite#token=${"A".repeat(43)}`);
    await expect(alertOn(page)).toHaveText(/not valid/);
    await page.goto("/invite");
    await expect(alertOn(page)).toHaveText(/needs the full invitation link/);
  });
});

test.describe("sessions", () => {
  test("sign-out ends the session on the server, so a copied cookie stops working too", async ({ browser }) => {
    const { context, page } = await signedInAs(browser, "admin");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "pteri.session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    expect((await page.request.get("/api/account")).status()).toBe(200);

    await signOut(page);
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);

    // Replay the cookie from before sign-out in another context: the server refuses it.
    const replay = await anonymousContext(browser);
    await replay.addCookies(cookies);
    expect((await replay.request.get("/api/account")).status()).toBe(401);
    await replay.close();
    await context.close();
  });

  test("the administrator signs in again with the same passkey", async ({ browser }) => {
    const context = await anonymousContext(browser);
    const { page, authenticator } = await pageWithPasskeys(context, loadPasskeys("admin"));
    await signIn(page);
    await savePasskeys("admin", authenticator);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByRole("banner").getByText("Ada Admin")).toBeVisible();
    await context.close();
  });

  test("state-changing requests from another origin are refused", async ({ browser }) => {
    const context = await browser.newContext({ storageState: ADMIN_STATE });
    const response = await context.request.post("/api/invitations", {
      headers: { origin: "https://attacker.example" },
      data: { roles: ["admin"], expiresInMinutes: 60 },
    });
    expect(response.status()).toBe(403);
    expect((await response.json()).code).toBe("cross_origin");
    const signOutAttempt = await context.request.post("/api/auth/signout", { headers: { origin: "https://attacker.example" }, form: { csrfToken: "x" } });
    expect(signOutAttempt.status()).toBe(403);
    await context.close();
  });
});
