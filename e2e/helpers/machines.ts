/**
 * Machines in end-to-end tests: the real `pteri` CLI run as a machine would run it, keys made
 * with node:crypto, machines created through the Console's own API, and operators with and
 * without machines.write (an editor; an auditor, who may only read).
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type ConsoleMessage, type Page } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { pageWithPasskeys } from "./authenticator";
import { hostInvitation } from "./host";
import { ADMIN_STATE, registerFromLink, savePasskeys } from "./operators";

const ROOT = path.resolve(import.meta.dirname, "../..");
const STATE_DIR = path.dirname(ADMIN_STATE);
export const EDITOR_STATE = path.join(STATE_DIR, "machines-editor.storage.json");
export const EDITOR_NAME = "Mia Machines";
export const AUDITOR_STATE = path.join(STATE_DIR, "machines-auditor.storage.json");
export const AUDITOR_NAME = "Aldo Auditor";

/** Registers an operator from a host invitation (once per run) and saves their signed-in state. */
async function ensureOperator(browser: Browser, who: string, roles: string[], name: string, stateFile: string): Promise<void> {
  if (fs.existsSync(stateFile)) return;
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const { page, authenticator } = await pageWithPasskeys(context);
  await registerFromLink(page, hostInvitation(roles, name), name, `${name}'s laptop`);
  await savePasskeys(who, authenticator);
  await context.storageState({ path: stateFile });
  await context.close();
}

/** An editor (machines.write) and an auditor (machines.read only). */
export async function ensureMachineOperators(browser: Browser): Promise<void> {
  await ensureOperator(browser, "machines-editor", ["editor"], EDITOR_NAME, EDITOR_STATE);
  await ensureOperator(browser, "machines-auditor", ["auditor"], AUDITOR_NAME, AUDITOR_STATE);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/pteri.mjs ARGS`, as a machine would run `npx pteri ARGS`; never throws on a non-zero exit. */
export function pteri(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "bin/pteri.mjs"), ...args], { cwd: options.cwd ?? ROOT, timeout: 60_000, env: { ...process.env, PTERI_DEBUG: "" } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface TestKey {
  publicJwk: { kty: string; crv: string; x: string };
  publicPem: string;
  privatePem: string;
}

export function newKey(): TestKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string };
  return {
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

export interface NewMachine {
  name: string;
  description?: string;
  tags?: string[];
  owner?: string;
  environment?: string;
}

/** POST /api/machines with the page's session (same origin, as the Console's own fetch). */
export async function createMachine(page: Page, machine: NewMachine, key: TestKey = newKey()): Promise<{ id: string; fingerprint: string }> {
  const response = await page.request.post("/api/machines", { headers: { origin: baseURL }, data: { ...machine, publicKey: JSON.stringify(key.publicJwk) } });
  expect(response.status(), await response.text()).toBe(201);
  const { machine: view } = (await response.json()) as { machine: { id: string; fingerprint: string } };
  return view;
}

/** Console errors and uncaught exceptions on a page (a refused API call's network log is expected, not an error). */
export function collectPageErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return () => errors;
}
