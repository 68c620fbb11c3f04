/**
 * Enrollment tickets: shown once, stored only as a SHA-256, bounded lifetime, revocable, and
 * listed while open. The ticket text must not exist anywhere in the database afterwards.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { enrollWithTicket } from "@/lib/machines/enrollment";
import { MACHINE_EVENTS } from "@/lib/machines/events";
import { findEnrollmentTicket, listOpenEnrollmentTickets, revokeEnrollmentTicket, TICKET_MINUTES } from "@/lib/machines/tickets";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { freshDb, NOW_MS, testDeps, type TestDb } from "../auth/helpers";
import { enrollRequest, entriesOf, machineErrorOf, newTicket, OPERATOR, snapshot } from "./helpers";
import { testDatabaseKind } from "@/tests/helpers/database";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const sha256b64url = (text: string) => createHash("sha256").update(text, "utf8").digest("base64url");

describe("createEnrollmentTicket", () => {
  it("returns pteri_et_ + 43 base64url characters, stores only its SHA-256, and logs the creation without the ticket", async () => {
    const before = await t.db.auditEntry.count();
    const { ticket, record } = await newTicket(t.db, { name: "  web-1 ", tags: ["env:prod", "a"], owner: "ops", environment: "prod", permissions: ["audit.read", "machines.enroll"] });
    expect(ticket).toMatch(/^pteri_et_[A-Za-z0-9_-]{43}$/);
    const row = await t.db.enrollmentTicket.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.tokenHash).toBe(sha256b64url(ticket));
    expect(row.tokenPrefix).toBe(ticket.slice("pteri_et_".length, "pteri_et_".length + 6));
    expect(Object.values(row).some((v) => typeof v === "string" && v.includes(ticket.slice(9)))).toBe(false);
    expect(row).toMatchObject({ name: "web-1", tags: '["env:prod","a"]', owner: "ops", environment: "prod", requireConfirmation: true, usedAt: null, revokedAt: null, machineId: null });
    // Stored in catalog order, whatever order they were given in.
    expect(JSON.parse(row.permissions)).toEqual(["machines.enroll", "audit.read"]);
    expect(row.expiresAt.getTime() - NOW_MS).toBe(TICKET_MINUTES.default * 60_000);
    expect(record).toMatchObject({ status: "open", createdBy: OPERATOR, requireConfirmation: true });

    const entries = await entriesOf(t.db, { seq: { gte: before } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: MACHINE_EVENTS.ticketCreated, actor: OPERATOR, evidence: { ticketId: record.id, tokenHash: row.tokenHash, name: "web-1" } });
    expect(JSON.stringify(entries[0])).not.toContain(ticket.slice(9));
  });

  it("issues a different ticket every time", async () => {
    const tickets = await Promise.all([1, 2, 3, 4].map(() => newTicket(t.db).then((r) => r.ticket)));
    expect(new Set(tickets).size).toBe(4);
  });

  it.each([
    [4, "field_invalid"],
    [0, "field_invalid"],
    [-15, "field_invalid"],
    [TICKET_MINUTES.max + 1, "field_invalid"],
    [15.5, "field_invalid"],
    ["15", "field_invalid"],
    [Number.NaN, "field_invalid"],
  ])("refuses an expiry of %j minutes and writes nothing", async (minutes, code) => {
    const before = await snapshot(t.db);
    expect((await machineErrorOf(newTicket(t.db, { expiresInMinutes: minutes as number }))).code).toBe(code);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("accepts the bounds: 5 minutes and 24 hours", async () => {
    for (const minutes of [TICKET_MINUTES.min, TICKET_MINUTES.max]) {
      const { record } = await newTicket(t.db, { expiresInMinutes: minutes });
      expect(record.expiresAt.getTime() - NOW_MS).toBe(minutes * 60_000);
    }
  });

  it.each([
    [{ name: "   " }, "name_invalid"],
    [{ name: "x\u0007y" }, "name_invalid"],
    [{ tags: ["bad tag"] }, "tags_invalid"],
    [{ tags: "a" }, "tags_invalid"],
    [{ permissions: ["audit.read", "root"] }, "permission_invalid"],
    [{ permissions: ["intents.decide"] }, "permission_invalid"],
  ])("refuses a bad profile %j and writes nothing", async (input, code) => {
    const before = await snapshot(t.db);
    expect((await machineErrorOf(newTicket(t.db, input as never))).code).toBe(code);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("the ticket text is nowhere in the database", () => {
  it("not in any text column of any table, nor in the SQLite files' bytes, even after it was used", async () => {
    const issued = await Promise.all([1, 2, 3].map(() => newTicket(t.db, { requireConfirmation: false })));
    // One of them is used: the machine.enrolled entry must not carry it either.
    const key = await generateKeyPair(nodeEd25519);
    const result = await enrollWithTicket((await enrollRequest(key, issued[0]!.ticket)).make(), testDeps(t.db, t.config));
    expect(result.ok).toBe(true);
    // And one revoked.
    await writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, issued[1]!.record.id, new Date(NOW_MS)));

    const secrets = issued.map((i) => i.ticket.slice("pteri_et_".length)); // the 43 random characters
    const hashes = issued.map((i) => sha256b64url(i.ticket));

    // Every column of every table (the audit search's FTS tables too), row by row. Blobs come
    // back as hex: the driver adapter cannot type an empty blob, and a hex scan still finds the
    // secret's bytes in them.
    const secretsHex = secrets.map((s) => Buffer.from(s).toString("hex").toUpperCase());
    const values = testDatabaseKind === "sqlite" ? await sqliteValues() : await postgresqlValues();
    for (const { table, value } of values) {
      for (const s of value.startsWith("hex:") ? secretsHex : secrets) expect(value.toUpperCase().includes(s.toUpperCase()), `table ${table}`).toBe(false);
    }
    expect(values.length).toBeGreaterThan(20);
    // The hashes are stored, so the scan does see the tickets' table.
    for (const h of hashes) expect(values.some(({ value }) => value.includes(h))).toBe(true);
    if (testDatabaseKind !== "sqlite") return;

    // The files on disk (database, WAL), after a checkpoint: the raw bytes.
    await t.db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    const files = fs.readdirSync(t.dir).filter((f) => f.startsWith(path.basename(t.config.sqlitePath!)));
    expect(files).toContain(path.basename(t.config.sqlitePath!));
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.dir, f))));
    // The scan can see what is stored: every ticket's hash is there.
    for (const h of hashes) expect(bytes.includes(h)).toBe(true);
    for (const s of secrets) {
      expect(bytes.includes(s)).toBe(false);
      expect(bytes.includes(s.slice(6, 30))).toBe(false); // not even a long piece of it
    }
  });
});

/** Every text value of every column of every SQLite table (the audit search's FTS tables too), blobs as hex. */
async function sqliteValues(): Promise<{ table: string; value: string }[]> {
  // Blobs come back as hex: the driver adapter cannot type an empty blob, and a hex scan
  // still finds the secret's bytes in them.
  const tables = await t.db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`);
  const values: { table: string; value: string }[] = [];
  for (const { name } of tables) {
    const columns = await t.db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${name}')`);
    const select = columns.map((c) => `CASE WHEN typeof("${c.name}") = 'blob' THEN 'hex:' || hex("${c.name}") ELSE "${c.name}" END AS "${c.name}"`).join(", ");
    const rows = await t.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${select} FROM "${name}"`);
    for (const row of rows) for (const value of Object.values(row)) if (typeof value === "string") values.push({ table: name, value });
  }
  return values;
}

/** Every row of every PostgreSQL table as JSON text (bytea as hex, tsvector as its lexemes). */
async function postgresqlValues(): Promise<{ table: string; value: string }[]> {
  const tables = await t.db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const values: { table: string; value: string }[] = [];
  for (const { name } of tables) {
    const rows = await t.db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(r)::text AS "row" FROM "${name}" r`);
    for (const { row } of rows) values.push({ table: name, value: row });
  }
  return values;
}

describe("revokeEnrollmentTicket", () => {
  it("revokes an open ticket once, logs who did it, and the ticket can no longer enroll", async () => {
    const { ticket, record } = await newTicket(t.db);
    const before = await t.db.auditEntry.count();
    const revoked = await writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, record.id, new Date(NOW_MS + 1000)));
    expect(revoked.status).toBe("revoked");
    expect((await t.db.enrollmentTicket.findUniqueOrThrow({ where: { id: record.id } })).revokedAt).toEqual(new Date(NOW_MS + 1000));
    const entries = await entriesOf(t.db, { seq: { gte: before } });
    expect(entries.map((e) => [e.type, e.actor])).toEqual([[MACHINE_EVENTS.ticketRevoked, OPERATOR]]);
    expect(entries[0]!.evidence).toMatchObject({ ticketId: record.id });

    const again = await snapshot(t.db);
    expect(await machineErrorOf(writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, record.id)))).toMatchObject({ code: "machine_state", message: expect.stringMatching(/revoked/) });
    expect(await snapshot(t.db)).toEqual(again);

    const key = await generateKeyPair(nodeEd25519);
    const refused = await machineErrorOf(enrollWithTicket((await enrollRequest(key, ticket)).make(), testDeps(t.db, t.config)));
    expect(refused).toMatchObject({ code: "ticket_invalid", message: expect.stringMatching(/revoked/) });
  });

  it("refuses an unknown id (ticket_not_found) and a used ticket (machine_state)", async () => {
    expect((await machineErrorOf(writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, "nope")))).code).toBe("ticket_not_found");
    const { ticket, record } = await newTicket(t.db);
    const key = await generateKeyPair(nodeEd25519);
    expect((await enrollWithTicket((await enrollRequest(key, ticket)).make(), testDeps(t.db, t.config))).ok).toBe(true);
    const before = await snapshot(t.db);
    expect(await machineErrorOf(writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, record.id)))).toMatchObject({ code: "machine_state", message: expect.stringMatching(/used/) });
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("listing and finding tickets", () => {
  it("lists only open tickets, newest first; used, revoked and expired ones drop out", async () => {
    const at = (minutes: number) => new Date(NOW_MS + 3_600_000 + minutes * 60_000); // later than the tickets above
    const open1 = await newTicket(t.db, { name: "open-1", expiresInMinutes: 5 }, at(0));
    const open2 = await newTicket(t.db, { name: "open-2", expiresInMinutes: 60 }, at(1));
    const revoked = await newTicket(t.db, { name: "revoked" }, at(2));
    await writeTransaction(t.db, (tx) => revokeEnrollmentTicket(tx, OPERATOR, revoked.record.id, at(2)));
    const used = await newTicket(t.db, { name: "used" }, at(3));
    const key = await generateKeyPair(nodeEd25519);
    const usedAt = NOW_MS + 3_600_000 + 4 * 60_000;
    const enrolled = await enrollWithTicket((await enrollRequest(key, used.ticket, { sign: { now: () => usedAt / 1000 } })).make(), testDeps(t.db, t.config, { now: () => usedAt }));
    expect(enrolled.ok).toBe(true);

    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    const mine = [open1, open2, revoked, used].map((x) => x.record.id);
    const listed = (await listOpenEnrollmentTickets(t.db, at(4))).filter((x) => mine.includes(x.id));
    expect(ids(listed)).toEqual([open2.record.id, open1.record.id]);
    expect(listed.every((x) => x.status === "open")).toBe(true);
    // open-1 expires 5 minutes after it was created.
    expect(ids((await listOpenEnrollmentTickets(t.db, at(5))).filter((x) => mine.includes(x.id)))).toEqual([open2.record.id]);

    const found = await findEnrollmentTicket(t.db, used.record.id, at(4));
    expect(found).toMatchObject({ status: "used", machine: { keyId: key.publicKey.keyId, ticketId: used.record.id } });
    expect((await findEnrollmentTicket(t.db, open1.record.id, at(5)))?.status).toBe("expired");
    expect((await findEnrollmentTicket(t.db, revoked.record.id, at(4)))?.status).toBe("revoked");
    expect(await findEnrollmentTicket(t.db, "missing")).toBeNull();
  });
});
