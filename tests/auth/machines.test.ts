import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryFromRow } from "@/lib/audit/rows";
import { writeTransaction } from "@/lib/db/transaction";
import { MachineError, MACHINE_ERROR_CODES } from "@/lib/machines/errors";
import { findMachineByKeyId, registerMachine, type RegisterMachineInput } from "@/lib/machines/repository";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { freshDb, type TestDb } from "./helpers";
import { testDatabaseEnv } from "@/tests/helpers/database";

const run = promisify(execFile);
let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const actor = { type: "host" as const, id: "test" };

function register(input: Omit<RegisterMachineInput, "actor">) {
  return writeTransaction(t.db, (tx) => registerMachine(tx, { ...input, actor }));
}

async function refusedWith(input: Omit<RegisterMachineInput, "actor">): Promise<string> {
  const counts = [await t.db.machine.count(), await t.db.auditEntry.count()];
  const error = await register(input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MachineError);
  // Bad input changes nothing.
  expect([await t.db.machine.count(), await t.db.auditEntry.count()]).toEqual(counts);
  return (error as MachineError).code;
}

describe("registerMachine", () => {
  it("registers an active machine from a JWK and records machine.registered in the same transaction", async () => {
    const key = await generateKeyPair(nodeEd25519);
    const machine = await register({ name: "  nightly backup  ", publicKey: key.publicKey.jwk, tags: ["env:prod", "env:prod", "team/ops"] });
    expect(machine).toMatchObject({ name: "nightly backup", keyId: key.publicKey.keyId, status: "active", tags: ["env:prod", "team/ops"], lastSeenAt: null });
    expect(machine.fingerprint).toMatch(/^SHA256:/);
    expect(await findMachineByKeyId(t.db, key.publicKey.keyId)).toMatchObject({ id: machine.id });
    const entry = entryFromRow(await t.db.auditEntry.findFirstOrThrow({ where: { type: "machine.registered" }, orderBy: { seq: "desc" } }));
    expect(entry).toMatchObject({ actor, subjects: { machine: machine.id }, evidence: { keyId: key.publicKey.keyId, publicJwk: key.publicKey.jwk } });
  });

  it("accepts an SPKI PEM and refuses the same key again, whatever its encoding", async () => {
    const key = await generateKeyPair(nodeEd25519);
    await register({ name: "pem", publicKey: key.publicPem });
    expect(await refusedWith({ name: "again", publicKey: key.publicKey.jwk })).toBe("key_already_enrolled");
    expect(await refusedWith({ name: "again", publicKey: JSON.stringify(key.publicKey.jwk) })).toBe("key_already_enrolled");
  });

  it("refuses malformed and private keys, bad names and bad tags with stable codes", async () => {
    const key = await generateKeyPair(nodeEd25519);
    expect(await refusedWith({ name: "x", publicKey: "not a key" })).toBe("public_key_invalid");
    expect(await refusedWith({ name: "x", publicKey: key.privatePem })).toBe("public_key_invalid");
    expect(await refusedWith({ name: "x", publicKey: key.privateJwk })).toBe("public_key_invalid");
    expect(await refusedWith({ name: "x", publicKey: { ...key.publicKey.jwk, crv: "X25519" } })).toBe("public_key_invalid");
    expect(await refusedWith({ name: "   ", publicKey: key.publicKey.jwk })).toBe("name_invalid");
    expect(await refusedWith({ name: "a\nb", publicKey: key.publicKey.jwk })).toBe("name_invalid");
    expect(await refusedWith({ name: "x".repeat(101), publicKey: key.publicKey.jwk })).toBe("name_invalid");
    expect(await refusedWith({ name: "ok", publicKey: key.publicKey.jwk, tags: ["<script>"] })).toBe("tags_invalid");
    expect(await refusedWith({ name: "ok", publicKey: key.publicKey.jwk, tags: Array.from({ length: 33 }, (_, i) => `t${i}`) })).toBe("tags_invalid");
    expect(MACHINE_ERROR_CODES).toContain("key_already_enrolled");
  });
});

describe("npm run admin -- machine-register", () => {
  it("registers a machine from a key file, prints id, key id and fingerprint, and refuses it twice", async () => {
    const key = await generateKeyPair(nodeEd25519);
    const file = path.join(t.dir, "machine.pub.pem");
    fs.writeFileSync(file, key.publicPem);
    const env = { ...process.env, PTERI_DATA_DIR: t.dir, ...testDatabaseEnv(t.dir), PTERI_PUBLIC_URL: "" };
    const args = ["--import", "tsx", "scripts/admin.ts", "machine-register", "--name", "ci", "--public-key", file, "--tag", "ci", "--json"];
    const first = await run(process.execPath, args, { env });
    const report = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ name: "ci", keyId: key.publicKey.keyId, status: "active", tags: ["ci"] });
    expect(report.fingerprint).toMatch(/^SHA256:/);
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { type: "machine.registered" }, orderBy: { seq: "desc" } });
    expect([entry.actorType, entry.actorId]).toEqual(["host", "machine-register"]);

    const second = await run(process.execPath, args, { env }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(second?.code).toBe(1);
    expect(second?.stderr).toMatch(/already enrolled as machine "ci"/);
    expect(second?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
