/**
 * Node only: reading small local files (keys, request messages, bodies) with
 * one clear sentence per failure instead of a raw errno, and key files parsed
 * by lib/protocol.
 */
import { open } from "node:fs/promises";
import type { PrivateKeyInfo, PublicKeyInfo } from "../protocol";
import { PteriSdkError } from "./errors";
import { toPrivateKey, toPublicKey } from "./keys";

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent is not a directory",
  ELOOP: "too many symbolic links",
};

/** Reads a whole file of at most `maxBytes`; `what` names it in errors ("key file"). */
export async function readLocalFile(path: string, what: string, maxBytes = 16 << 20): Promise<Uint8Array<ArrayBuffer>> {
  const fail = (reason: string) => new PteriSdkError("file_unreadable", `cannot read ${what} ${JSON.stringify(path)}: ${reason}`);
  try {
    const handle = await open(path, "r");
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw fail(REASONS.EISDIR ?? "");
      if (stat.size > maxBytes) throw fail(`it is larger than ${maxBytes} bytes`);
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof PteriSdkError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail((code && REASONS[code]) || (code ?? (error instanceof Error ? error.message : "unknown error")));
  }
}

async function readKeyText(path: string, what: string): Promise<string> {
  const bytes = await readLocalFile(path, what, 64 << 10);
  return new TextDecoder().decode(bytes);
}

/** A private key file: PKCS#8 PEM (as `pteri keygen` writes) or a private JWK. */
export async function readPrivateKeyFile(path: string): Promise<PrivateKeyInfo> {
  return toPrivateKey(await readKeyText(path, "key file"), JSON.stringify(path));
}

/** A public key file: SPKI PEM or a public JWK. */
export async function readPublicKeyFile(path: string): Promise<PublicKeyInfo> {
  return toPublicKey(await readKeyText(path, "public key file"), JSON.stringify(path));
}
