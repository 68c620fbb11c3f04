/** Test-only loader for the shared standard vectors (../shared/vectors from the repo root). */
import { readFileSync } from "node:fs";
import path from "node:path";

export const VECTORS_DIR = path.resolve(process.cwd(), "../shared/vectors");

export function loadVector<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, name), "utf8")) as T;
}

export type WycheproofTest = { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: "valid" | "invalid" };
export type WycheproofFile = {
  numberOfTests: number;
  testGroups: { publicKey: { pk: string }; publicKeyJwk: { x: string }; publicKeyPem: string; tests: WycheproofTest[] }[];
};

export type Rfc9421B26 = {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  privateKeyJwk: Record<string, string>;
  publicKeyJwk: Record<string, string>;
  request: { method: string; targetUri: string; headers: [string, string][]; body: string };
  signatureLabel: string;
  signatureParams: string;
  signatureInput: string;
  signature: string;
  signatureBase: string;
};

export type Rfc9530File = {
  examples: { id: string; field: string; algorithm: string; fieldValue: string; body: string }[];
  related: { id: string; field: string; algorithm: string; fieldValue: string; body: string }[];
};

export type JcsVector = { name: string; input: string; output: string; outputSha256: string };
