/**
 * Ticket races: concurrent enrollments with one ticket, each with its own key, from several
 * database clients (instances) and several processes. Exactly one wins; every other one gets
 * ticket_invalid, and exactly one machine exists for the ticket.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { enrollWithTicket } from "@/lib/machines/enrollment";
import { isMachineError } from "@/lib/machines/errors";
import { MACHINE_EVENTS } from "@/lib/machines/events";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { NOW_MS, testDeps } from "../auth/helpers";
import { enrollRequest, newTicket, setUpFreshDb } from "./helpers";

const run = promisify(execFile);
const WORKER = path.join(import.meta.dirname, "fixtures", "enroll-once.ts");

const t = setUpFreshDb();

async function verdict(db: Db, request: Request): Promise<string> {
  try {
    const r = await enrollWithTicket(request, testDeps(db, t.config));
    return r.ok ? "ok" : (((await r.response.json()) as { code: string }).code);
  } catch (error) {
    if (isMachineError(error)) return error.code;
    throw error;
  }
}

async function expectOneWinner(ticketId: string, keyIds: string[]) {
  const machines = await t.db.machine.findMany({ where: { ticketId } });
  expect(machines).toHaveLength(1);
  expect(keyIds).toContain(machines[0]!.keyId);
  // Only the winner left anything behind: its nonce, its one enrolled entry, the ticket linked to it.
  const losers = keyIds.filter((k) => k !== machines[0]!.keyId);
  expect(await t.db.machine.count({ where: { keyId: { in: losers } } })).toBe(0);
  expect(await t.db.nonceUse.count({ where: { keyId: { in: losers } } })).toBe(0);
  expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.enrolled, actorId: { in: keyIds } } })).toBe(1);
  expect((await t.db.enrollmentTicket.findUniqueOrThrow({ where: { id: ticketId } })).machineId).toBe(machines[0]!.id);
}

describe("one instance, one ticket", () => {
  it("exactly one of several concurrent enrollments succeeds, the others get ticket_invalid (10 rounds)", async () => {
    for (let round = 0; round < 10; round++) {
      const { ticket, record } = await newTicket(t.db, { name: `race-${round}` });
      const keys = await Promise.all([1, 2, 3].map(() => generateKeyPair(nodeEd25519)));
      const requests = await Promise.all(keys.map((k) => enrollRequest(k, ticket)));
      const verdicts = await Promise.all(requests.map((r) => verdict(t.db, r.make())));
      expect(verdicts.sort(), `round ${round}`).toEqual(["ok", "ticket_invalid", "ticket_invalid"]);
      await expectOneWinner(record.id, keys.map((k) => k.publicKey.keyId));
    }
  });

  it("the same key twice with one ticket (two nonces): one machine", async () => {
    const { ticket, record } = await newTicket(t.db, { name: "same-key" });
    const key = await generateKeyPair(nodeEd25519);
    const [r1, r2] = await Promise.all([enrollRequest(key, ticket), enrollRequest(key, ticket)]);
    const verdicts = await Promise.all([verdict(t.db, r1.make()), verdict(t.db, r2.make())]);
    expect(verdicts.sort()).toEqual(["ok", "ticket_invalid"]);
    await expectOneWinner(record.id, [key.publicKey.keyId]);
  });
});

describe("two instances, one ticket", () => {
  // Clients in ONE process cannot write at the same time: better-sqlite3 waits for the lock
  // synchronously, blocking the event loop and so the holder's commit (SQLITE_BUSY after the
  // busy timeout). Instances are processes: the concurrent case is the test below; here the
  // second instance comes right after the first.
  it("a ticket used through one instance is refused by the other", async () => {
    const { ticket, record } = await newTicket(t.db, { name: "two-clients" });
    const [a, b] = await Promise.all([generateKeyPair(nodeEd25519), generateKeyPair(nodeEd25519)]);
    expect(await verdict(t.second, (await enrollRequest(a, ticket)).make())).toBe("ok");
    expect(await verdict(t.db, (await enrollRequest(b, ticket)).make())).toBe("ticket_invalid");
    await expectOneWinner(record.id, [a.publicKey.keyId, b.publicKey.keyId]);
  });

  it("three processes racing through the same 6 tickets: each ticket enrolls exactly one machine", async () => {
    const tickets = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => newTicket(t.db, { name: `race-process-${i}` })));
    const input = { databaseUrl: t.config.databaseUrl, publicUrl: t.config.publicUrl.href, nowMs: NOW_MS, startAt: Date.now() + 8000, tickets: tickets.map((x) => x.ticket) };
    const outputs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(input)], { cwd: process.cwd(), timeout: 50_000 })));
    const perProcess = outputs.map((o) => JSON.parse(o.stdout.trim().split("\n").at(-1) ?? "[]") as { ok: boolean; code: string | null; keyId: string }[]);
    for (const [i, { record }] of tickets.entries()) {
      const verdicts = perProcess.map((v) => v[i]!);
      expect(verdicts.map((v) => (v.ok ? "ok" : v.code)).sort(), `ticket ${i}`).toEqual(["ok", "ticket_invalid", "ticket_invalid"]);
      await expectOneWinner(record.id, verdicts.map((v) => v.keyId));
      expect(verdicts.find((v) => v.ok)!.keyId).toBe((await t.db.machine.findFirstOrThrow({ where: { ticketId: record.id } })).keyId);
    }
    // The processes really raced: not every ticket went to the same process.
    console.log(`ticket race winners by process: ${tickets.map((_, i) => perProcess.findIndex((v) => v[i]!.ok)).join(" ")}`);
  }, 55_000);
});
