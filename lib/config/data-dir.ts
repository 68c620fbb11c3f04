import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ConfigError } from "./env";

/**
 * Makes sure the data directory exists and is writable, or explains in one line
 * how to fix it. Everything PTERI persists on a single host lives here.
 */
export function ensureDataDir(dataDir: string): void {
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) {
    throw new ConfigError(`The data directory ${dataDir} is not a directory; set PTERI_DATA_DIR to a directory.`);
  }
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError(`Cannot create the data directory ${dataDir} (${codeOf(error)}); set PTERI_DATA_DIR to a writable directory.`);
  }
  try {
    fs.accessSync(dataDir, fs.constants.W_OK | fs.constants.R_OK);
    const probe = path.join(dataDir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (error) {
    throw new ConfigError(`The data directory ${dataDir} is not writable (${codeOf(error)}); fix its permissions or set PTERI_DATA_DIR.`);
  }
}

/**
 * Returns the named secret from the data directory, creating it on first use
 * (32 random bytes, base64url, mode 0600). The value is never logged.
 */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, `${name}.secret`);
  try {
    const value = fs.readFileSync(file, "utf8").trim();
    if (!/^[A-Za-z0-9_-]{43,}$/.test(value)) {
      throw new ConfigError(`The secret file ${file} is corrupt; restore it from a backup or delete it to generate a new one.`);
    }
    assertPrivate(file);
    return value;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (codeOf(error) !== "ENOENT") throw new ConfigError(`Cannot read ${file} (${codeOf(error)}); check the data directory's permissions.`);
  }
  const value = randomBytes(32).toString("base64url");
  let created: boolean;
  try {
    created = createPrivateFileOnce(file, `${value}\n`);
  } catch (error) {
    throw new ConfigError(`Cannot write ${file} (${codeOf(error)}); check the data directory's permissions.`);
  }
  // Another process (a second Console instance) created it a moment ago: use theirs.
  return created ? value : loadOrCreateSecret(dataDir, name);
}

/**
 * Creates `file` (mode 0600) holding `content` unless it exists; false when it already did.
 * Console instances sharing a data directory may start at the same moment: the file appears
 * complete or not at all (written aside, then hard-linked into place, which never replaces),
 * so the other instance never reads it half-written and takes it for a corrupt one.
 */
export function createPrivateFileOnce(file: string, content: string): boolean {
  const aside = `${file}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(aside, content, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(aside, file);
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "ENOSYS"].includes(codeOf(error))) throw error;
    // A filesystem without hard links: an exclusive create is the best it offers.
    return createExclusive(file, content);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function createExclusive(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { mode: 0o600, flag: "wx" });
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw error;
  }
}

function assertPrivate(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(`The secret file ${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 ${file}.`);
  }
}

export function codeOf(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.message : String(error);
}
