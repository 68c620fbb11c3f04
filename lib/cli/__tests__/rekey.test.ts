import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, parsePrivateKey, type PublicJwk } from "../../protocol";
import { startFakeConsole, type FakeConsole, type FakeMachine } from "../../sdk/__tests__/fake-console";
import { expectOneErrorLine, runCli, tempDir } from "./run";

let fake: FakeConsole;

beforeAll(async () => {
  fake = await startFakeConsole();
});
afterAll(() => fake.close());

function keyOf(file: string): { keyId: string; jwk: PublicJwk } {
  const parsed = parsePrivateKey(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.key.publicKey;
}

/** A key file in a fresh directory, registered with the fake Console as an active machine. */
async function enrolledKey(): Promise<{ file: string; machine: FakeMachine }> {
  const file = path.join(tempDir(), "machine.pem");
  await runCli(["keygen", "--out", file]);
  return { file, machine: fake.addMachine(keyOf(file).jwk) };
}

const rekey = (...args: string[]) => runCli(["rekey", "--server", fake.url, ...args]);

describe("pteri rekey", () => {
  it("writes the new key to FILE.new, signs with the old key, proves the new one; the old key is then refused", async () => {
    const { file, machine } = await enrolledKey();
    const oldPem = readFileSync(file, "utf8");
    const oldKeyId = keyOf(file).keyId;
    const r = await rekey("--key", file);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const newFile = `${file}.new`;
    expect(statSync(newFile).mode & 0o777).toBe(0o600);
    const newKeyId = keyOf(newFile).keyId;
    expect(machine.keyId).toBe(newKeyId);
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen.verified.keyId).toBe(oldKeyId);
    expect(seen.proofValid).toBe(true);
    expect(JSON.parse(seen.body).publicKey).toEqual(keyOf(newFile).jwk);
    expect(readFileSync(file, "utf8")).toBe(oldPem);
    expect(r.stdout).toContain(`new key id:    ${newKeyId}\n`);
    expect(r.stdout).toContain(`fingerprint:   ${fingerprint(newKeyId)}\n`);
    expect(r.stdout).toContain(`new key file:  ${newFile} (new, mode 0600)\n`);
    expect(r.stdout).toContain(`old key id:    ${oldKeyId} (revoked)\n`);
    expect(r.stdout).toContain(`The old key in ${file} is now revoked`);

    const old = await runCli(["request", "--key", file, `${fake.url}/api/v1/audit/export`]);
    expect(expectOneErrorLine(old)).toMatch(/^pteri: HTTP 401 key_revoked: /);
    const again = await rekey("--key", file, "--out", path.join(tempDir(), "x.pem"));
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again)).toMatch(/^pteri: key change refused \(key_revoked\): This key has been revoked; enroll a new key\. \(the unused new key .*x\.pem was deleted\)$/);
  });

  it("--json prints exactly {machineId, oldKeyId, newKeyId, fingerprint, newKeyFile}", async () => {
    const { file, machine } = await enrolledKey();
    const out = path.join(tempDir(), "next.pem");
    const r = await rekey("--key", file, "--out", out, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["machineId", "oldKeyId", "newKeyId", "fingerprint", "newKeyFile"]);
    const newKeyId = keyOf(out).keyId;
    expect(json).toEqual({ machineId: machine.id, oldKeyId: keyOf(file).keyId, newKeyId, fingerprint: fingerprint(newKeyId), newKeyFile: out });
  });

  it("--new-key switches to an existing key and leaves both files alone", async () => {
    const { file, machine } = await enrolledKey();
    const next = path.join(tempDir(), "prepared.pem");
    await runCli(["keygen", "--out", next]);
    const before = readFileSync(next, "utf8");
    const r = await rekey("--key", file, "--new-key", next, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ newKeyId: keyOf(next).keyId, newKeyFile: next });
    expect(machine.keyId).toBe(keyOf(next).keyId);
    expect(readFileSync(next, "utf8")).toBe(before);
    expect(existsSync(`${file}.new`)).toBe(false);
  });

  it("never overwrites FILE.new (exit 1, nothing sent)", async () => {
    const { file, machine } = await enrolledKey();
    writeFileSync(`${file}.new`, "precious");
    const before = fake.requests.length;
    const r = await rekey("--key", file);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/\.pem\.new": the file already exists; pteri never overwrites a key/);
    expect(readFileSync(`${file}.new`, "utf8")).toBe("precious");
    expect(fake.requests.length).toBe(before);
    expect(machine.keyId).toBe(keyOf(file).keyId);
  });

  it("a refusal is one line (exit 1) and deletes the generated key, but never a key given with --new-key", async () => {
    const stranger = path.join(tempDir(), "stranger.pem");
    await runCli(["keygen", "--out", stranger]);
    const r = await rekey("--key", stranger);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe(
      `pteri: key change refused (key_unknown): No active key is registered under this keyid; enroll the machine or use its current key. (the unused new key ${stranger}.new was deleted)`,
    );
    expect(existsSync(`${stranger}.new`)).toBe(false);

    const a = await enrolledKey();
    const b = await enrolledKey();
    const taken = await rekey("--key", a.file, "--new-key", b.file);
    expect(taken.code).toBe(1);
    expect(expectOneErrorLine(taken)).toBe("pteri: key change refused (key_already_enrolled): This public key is already enrolled.");
    expect(existsSync(b.file)).toBe(true);
  });

  it("usage errors (exit 2): missing --key or --server, --new-key with --out, the same key twice", async () => {
    const { file } = await enrolledKey();
    for (const args of [
      ["rekey", "--server", fake.url],
      ["rekey", "--key", file],
      ["rekey", "--server", fake.url, "--key", file, "--new-key", file, "--out", "x.pem"],
      ["rekey", "--server", fake.url, "--key", file, "--new-key", file],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expectOneErrorLine(r);
    }
  });
});
