import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A content hash of everything that goes into `next build`, so `npm start` rebuilds
 * exactly when the sources changed and reuses the build otherwise.
 */
const INPUTS = ["app", "components", "lib", "public", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const SKIP = new Set(["node_modules", ".next", "generated"]);
export const FINGERPRINT_FILE = path.join(".next", "pteri-build-fingerprint");

export function sourceFingerprint(root = process.cwd()): string {
  const hash = crypto.createHash("sha256");
  for (const input of INPUTS) walk(path.join(root, input), root, hash);
  return hash.digest("hex");
}

function walk(file: string, root: string, hash: crypto.Hash): void {
  if (!fs.existsSync(file)) return;
  const stat = fs.statSync(file);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(file).sort()) {
      if (!SKIP.has(name) && !name.endsWith(".test.ts")) walk(path.join(file, name), root, hash);
    }
    return;
  }
  hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file)).update("\0");
}

export function buildIsCurrent(root = process.cwd()): boolean {
  const file = path.join(root, FINGERPRINT_FILE);
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")) || !fs.existsSync(file)) return false;
  return fs.readFileSync(file, "utf8").trim() === sourceFingerprint(root);
}

export function recordBuild(root = process.cwd()): void {
  fs.writeFileSync(path.join(root, FINGERPRINT_FILE), `${sourceFingerprint(root)}\n`);
}
