/**
 * The audit search routes: GET /api/audit/entries for every role with audit.read (and nobody
 * signed out), and GET /api/audit/export: an unfiltered JSONL export verifies with the real
 * `pteri audit verify`, a filtered one holds only the matches and verifies up to its first
 * gap, CSV neutralises formulas, and a large export is streamed in pieces.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as searchRoute } from "@/app/api/audit/entries/route";
import { GET as exportRoute } from "@/app/api/audit/export/route";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { recordAuditEvent } from "@/lib/audit/log";
import type { AuditSearchResponse } from "@/lib/audit/search/wire";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { enroll, signedRequest, testDeps, type Enrolled } from "../auth/helpers";
import { ALL_ROLES, ORIGIN, setUpRoleHost } from "../operators/helpers/host";
import { runCli } from "./helpers";

const host = setUpRoleHost();
let machine: Enrolled;

beforeAll(async () => {
  machine = await enroll(host.db, "export-worker");
  const config = loadConfig();
  for (let i = 0; i < 3; i++) {
    const signed = await signedRequest(machine.key, { url: `${ORIGIN}/api/v1/whoami`, sign: { now: () => Date.now() / 1000 } });
    const auth = await authenticateMachineRequest(signed.make(), testDeps(host.db, config, { now: () => Date.now() }));
    expect(auth.ok).toBe(true);
  }
  await writeTransaction(host.db, (tx) =>
    recordAuditEvent(tx, { type: "test.hostile", actor: { type: "host", id: "test" }, summary: '=HYPERLINK("http://evil.example","click"), "quoted"\nnext line', evidence: {}, subjects: { machine: "@SUM(1+1)" } }),
  );
}, 60_000);

const body = async (response: Response) => Buffer.from(await response.arrayBuffer()).toString("utf8");

describe("GET /api/audit/entries", () => {
  it("answers every role with audit.read", async () => {
    for (const role of ALL_ROLES) {
      const response = await host.call(searchRoute, "/api/audit/entries?type=test.hostile", { role });
      expect(response.status, role).toBe(200);
      const result = (await response.json()) as AuditSearchResponse;
      expect(result.entries).toHaveLength(1);
      expect(result.entries[0]).toMatchObject({ type: "test.hostile", actorType: "host", actorId: "test", subjects: { machine: "@SUM(1+1)" } });
      expect(result).toMatchObject({ nextCursor: null, capped: false });
    }
  });

  it("refuses anyone signed out, and bad parameters with a problem naming them", async () => {
    expect((await host.call(searchRoute, "/api/audit/entries")).status).toBe(401);
    const bad = await host.call(searchRoute, "/api/audit/entries?decision=perhaps", { role: "auditor" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/^decision:/);
  });
});

describe("GET /api/audit/export", () => {
  let vkey: string;
  let dir: string;
  beforeAll(async () => {
    vkey = (await getLogIdentity(host.db, loadConfig())).vkey;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-search-export-"));
  });
  const verify = async (text: string, name: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return runCli(["audit", "verify", file, "--log-key", vkey]);
  };

  it("refuses anyone signed out", async () => {
    expect((await host.call(exportRoute, "/api/audit/export?format=jsonl")).status).toBe(401);
    expect((await host.call(exportRoute, "/api/audit/export?format=xml", { role: "auditor" })).status).toBe(400);
  });

  it("exports the whole log as JSONL that pteri audit verify accepts", async () => {
    const response = await host.call(exportRoute, "/api/audit/export?format=jsonl", { role: "auditor" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="pteri-audit-.*\.jsonl"$/);
    const text = await body(response);
    const entries = text.trim().split("\n").map((l) => JSON.parse(l) as { kind: string });
    expect(entries.filter((l) => l.kind === "entry")).toHaveLength(await host.db.auditEntry.count());
    const result = await verify(text, "all.jsonl");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/OK|verified/i);
  }, 60_000);

  it("a filtered export holds only the matches, and the verifier reports the gap rather than passing it", async () => {
    const response = await host.call(exportRoute, "/api/audit/export?format=jsonl&type=machine.request", { role: "auditor" });
    const lines = (await body(response)).trim().split("\n").map((l) => JSON.parse(l) as { kind: string; type?: string; seq?: number });
    const entries = lines.filter((l) => l.kind === "entry");
    expect(entries.map((e) => e.type)).toEqual(["machine.request", "machine.request", "machine.request"]);
    expect(lines.filter((l) => l.kind === "key")).toHaveLength(1);
    const matches = await host.db.auditEntry.findMany({ where: { type: "machine.request" }, orderBy: { seq: "asc" } });
    expect(entries.map((e) => e.seq)).toEqual(matches.map((m) => m.seq));
    const contiguous = matches.every((m, i) => i === 0 || m.seq === matches[i - 1]!.seq + 1);
    const result = await verify(lines.map((l) => JSON.stringify(l)).join("\n"), "filtered.jsonl");
    // The three requests were appended back to back: one contiguous run, so it verifies whole.
    expect(contiguous).toBe(true);
    expect(result.code).toBe(0);

    const gappy = await host.call(exportRoute, "/api/audit/export?format=jsonl&type=machine.registered&type=test.hostile", { role: "auditor" });
    // The registration and the hostile entry have the three requests between them.
    const gapResult = await verify(await body(gappy), "gappy.jsonl");
    expect(gapResult.code).toBe(1);
    expect(gapResult.stdout + gapResult.stderr).toMatch(/missing|removed/);
  }, 60_000);

  it("CSV: RFC 4180 quoting, and cells that would be formulas start with an apostrophe", async () => {
    const response = await host.call(exportRoute, "/api/audit/export?format=csv&type=test.hostile", { role: "auditor" });
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = await body(response);
    const [header, row, end] = text.split("\r\n");
    expect(header).toBe("seq,time,type,actor_type,actor_id,summary,subjects,entry_hash");
    expect(end).toBe("");
    expect(row).toContain(`,"'=HYPERLINK(""http://evil.example"",""click""), ""quoted""\nnext line",`);
    expect(row).toContain(`"{""machine"":""@SUM(1+1)""}"`);
    // No cell of the row starts a formula.
    expect(row!.split(",").every((cell) => !/^"?[=+\-@]/.test(cell))).toBe(true);
  });

  it("streams a 50,000-entry export in many small pieces, never one buffer", async () => {
    const before = await host.db.auditEntry.count();
    // Rows straight into the table (hashes are not checked by CSV): fast, and the search triggers still run.
    await host.db.$executeRawUnsafe(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
      INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash")
      SELECT ${before} - 1 + i, '2026-12-04T12:00:00.000+00:00', 'test.volume', 'host', 'test', 'volume ' || i, '{}', '{}', '', '' FROM n`);
    const response = await host.call(exportRoute, "/api/audit/export?format=csv&type=test.volume", { role: "auditor" });
    const reader = response.body!.getReader();
    let chunks = 0;
    let largest = 0;
    let rows = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      largest = Math.max(largest, value.byteLength);
      rows += value.filter((b) => b === 10).length;
    }
    expect(rows).toBe(50_001);
    expect(chunks).toBeGreaterThan(1000);
    expect(largest).toBeLessThan(64 * 1024);
  }, 120_000);
});
