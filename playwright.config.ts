import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// End-to-end tests run against a production build on a fresh, temporary data directory.
// The runner evaluates this file first and its workers inherit the environment, so one
// directory is chosen per run and shared by the server and the tests.
process.env.PTERI_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "pteri-e2e-"));
const port = Number(process.env.PTERI_E2E_PORT ?? 3210);
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    // Debian's Chromium; Playwright's own browser download cannot work offline.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  // "setup" registers the first administrator (e2e/global.setup.ts); every spec runs after it,
  // against the same server and data directory.
  projects: [
    { name: "setup", testMatch: /global\.setup\.ts$/ },
    { name: "chromium", dependencies: ["setup"], testMatch: /.*\.spec\.ts$/ },
  ],
  webServer: {
    command: "npx tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      PTERI_DATA_DIR: process.env.PTERI_E2E_DATA_DIR,
      PTERI_PUBLIC_URL: baseURL,
      DATABASE_URL: "",
    },
  },
});
