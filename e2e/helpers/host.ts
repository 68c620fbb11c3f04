/**
 * Host commands, run as an operator of the server would: `npm run admin -- …` against the same
 * data directory as the Playwright web server.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { baseURL } from "../../playwright.config";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function admin(args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/admin.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"], // a refusal's message ends up in the thrown error, not the test log
    env: { ...process.env, PTERI_DATA_DIR: process.env.PTERI_E2E_DATA_DIR, PTERI_PUBLIC_URL: baseURL, DATABASE_URL: "", PORT: new URL(baseURL).port },
  });
}

export function setupLink(): string {
  return (JSON.parse(admin(["setup-link", "--json"])) as { url: string }).url;
}

export function hostInvitation(roles: string[], name?: string): string {
  const args = ["invite-operator", ...roles.flatMap((r) => ["--role", r]), ...(name ? ["--name", name] : []), "--json"];
  return (JSON.parse(admin(args)) as { url: string }).url;
}
