/**
 * Audit search (lib/audit/search): every filter, full text with hostile query syntax, keyset
 * paging under concurrent appends, and facet counts, over a log written by the real domain
 * code (signed requests, intents decided by a published policy, operator events).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/log";
import { parseAuditSearch } from "@/lib/audit/search/query";
import { FACET_SCAN_LIMIT, searchAuditEntries } from "@/lib/audit/search/search";
import { writeTransaction } from "@/lib/db/transaction";
import { enroll, freshDb, NOW_MS, type Enrolled, type TestDb } from "../auth/helpers";
import { intentDoc, policyDoc, publish, rule, submitSigned } from "../intents/helpers";

let env: TestDb;
let builder: Enrolled;
let payer: Enrolled;
const intents: Record<"deploy" | "transfer" | "secret", string> = { deploy: "", transfer: "", secret: "" };

const search = (params: Record<string, string | string[]> = {}) => {
  const url = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const value of Array.isArray(v) ? v : [v]) url.append(k, value);
  return searchAuditEntries(env.db, parseAuditSearch(url));
};
const seqsOf = async (params: Record<string, string | string[]>) => (await search({ limit: "100", ...params })).entries.map((e) => e.seq);
const allRows = () => env.db.auditEntry.findMany({ orderBy: { seq: "desc" } });
const note = (summary: string, over: Partial<Parameters<typeof recordAuditEvent>[1]> = {}) =>
  writeTransaction(env.db, (tx) => recordAuditEvent(tx, { type: "test.note", actor: { type: "host", id: "test" }, summary, evidence: {}, ...over }));

beforeAll(async () => {
  env = await freshDb();
  builder = await enroll(env.db, "search-builder");
  payer = await enroll(env.db, "search-payer");
  await publish(
    env.db,
    policyDoc("Search", [
      rule({ id: "deploys" }),
      rule({ id: "transfers", actions: ["payments.transfer"], resources: ["accounts/**"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 3600, executionWindowSeconds: 300 } }),
      rule({ id: "no-secrets", effect: "deny", actions: ["*"], resources: ["secrets/**"] }),
    ]),
    new Date(NOW_MS - 60_000),
  );
  intents.deploy = (await submitSigned(env, builder, JSON.stringify(intentDoc({ nonce: "s-1" })), NOW_MS)).intent.id;
  intents.transfer = (await submitSigned(env, payer, JSON.stringify(intentDoc({ action: "payments.transfer", resource: "accounts/42", nonce: "s-2" })), NOW_MS + 10)).intent.id;
  intents.secret = (await submitSigned(env, builder, JSON.stringify(intentDoc({ resource: "secrets/db", nonce: "s-3" })), NOW_MS + 20)).intent.id;
  await note('Operator <script>alert("x")</script> renamed "prod" OR staging NEAR(a b) * -x col:val', {
    type: "operator.renamed",
    actor: { type: "operator", id: "op_alice" },
    subjects: { operator: "op_bob" },
    evidence: { note: "quarterly rotation" },
    time: new Date(NOW_MS + 30),
  });
}, 60_000);
afterAll(() => env.close());

describe("filters", () => {
  it("with no filter, pages every entry newest first", async () => {
    const rows = await allRows();
    expect(await seqsOf({})).toEqual(rows.map((r) => r.seq));
  });

  it("type (one or several) returns exactly the entries of those types", async () => {
    const rows = await allRows();
    expect(await seqsOf({ type: "intent.submitted" })).toEqual(rows.filter((r) => r.type === "intent.submitted").map((r) => r.seq));
    const two = ["intent.submitted", "operator.renamed"];
    expect(await seqsOf({ type: two })).toEqual(rows.filter((r) => two.includes(r.type)).map((r) => r.seq));
  });

  it("machine matches the entries about that machine, and no other machine's", async () => {
    const rows = await allRows();
    const about = (id: string) => rows.filter((r) => (JSON.parse(r.subjects) as { machine?: string }).machine === id).map((r) => r.seq);
    expect(about(payer.machine.id).length).toBeGreaterThanOrEqual(3); // registration, request, intent
    expect(await seqsOf({ machine: payer.machine.id })).toEqual(about(payer.machine.id));
    expect(await seqsOf({ machine: builder.machine.id })).toEqual(about(builder.machine.id));
  });

  it("action and decision come from the intent the entry is about", async () => {
    const transfer = await seqsOf({ action: "payments.transfer" });
    expect(transfer).toHaveLength(1);
    const entry = await env.db.auditEntry.findUniqueOrThrow({ where: { seq: transfer[0]! } });
    expect(JSON.parse(entry.subjects)).toMatchObject({ intent: intents.transfer });
    expect(await seqsOf({ decision: "allow_with_approval" })).toEqual(transfer);
    const denied = await seqsOf({ decision: "deny" });
    expect(denied).toHaveLength(1);
    expect(JSON.parse((await env.db.auditEntry.findUniqueOrThrow({ where: { seq: denied[0]! } })).subjects)).toMatchObject({ intent: intents.secret });
    expect(await seqsOf({ decision: "allow", action: "deploy.start" })).toHaveLength(1);
  });

  it("outcome: accepted requests and allowed intents, pending approval, refused", async () => {
    const rows = await allRows();
    const requests = rows.filter((r) => r.type === "machine.request").map((r) => r.seq);
    const accepted = await seqsOf({ outcome: "accepted" });
    expect(accepted).toEqual(expect.arrayContaining(requests));
    expect(accepted).toHaveLength(requests.length + 1); // + the allowed deploy intent
    expect(await seqsOf({ outcome: "pending" })).toEqual(await seqsOf({ action: "payments.transfer" }));
    expect(await seqsOf({ outcome: "refused" })).toEqual(await seqsOf({ decision: "deny" }));
  });

  it("operator matches the acting operator and the operator an entry concerns", async () => {
    const renamed = await seqsOf({ type: "operator.renamed" });
    expect(await seqsOf({ operator: "op_alice" })).toEqual(renamed);
    expect(await seqsOf({ operator: "op_bob" })).toEqual(renamed);
    expect(await seqsOf({ operator: "op_carol" })).toEqual([]);
  });

  it("time range: from inclusive, to exclusive", async () => {
    const rows = await allRows();
    const at = new Date(NOW_MS + 10).toISOString();
    expect(await seqsOf({ from: at })).toEqual(rows.filter((r) => r.time.getTime() >= NOW_MS + 10).map((r) => r.seq));
    expect(await seqsOf({ to: at })).toEqual(rows.filter((r) => r.time.getTime() < NOW_MS + 10).map((r) => r.seq));
  });

  it("time range stays exact when timestamps are slightly out of seq order", async () => {
    const base = NOW_MS + 3_600_000;
    // Appended in this order, stamped up to 20 s apart out of order (an instance stamps before it gets the write lock).
    const stamps = [base + 20_000, base, base + 40_000, base + 10_000, base + 90_000, base + 200_000];
    const seqs: number[] = [];
    for (const [i, ms] of stamps.entries()) seqs.push((await note(`skewed ${i}`, { type: "test.skewed", time: new Date(ms) })).seq);
    const within = (lo: number, hi: number) => seqs.filter((_, i) => stamps[i]! >= lo && stamps[i]! < hi).reverse();
    for (const [lo, hi] of [[base + 10_000, base + 30_000], [base, base + 15_000], [base + 30_000, base + 100_000], [base + 100_000, base + 300_000]] as const) {
      const params = { type: "test.skewed", from: new Date(lo).toISOString(), to: new Date(hi).toISOString() };
      expect(await seqsOf(params), JSON.stringify(params)).toEqual(within(lo, hi));
      expect(await seqsOf({ q: "skewed", from: params.from, to: params.to })).toEqual(within(lo, hi));
    }
  });

  it("filters combine (AND)", async () => {
    expect(await seqsOf({ machine: builder.machine.id, type: "intent.submitted", decision: "deny" })).toEqual(await seqsOf({ decision: "deny" }));
    expect(await seqsOf({ machine: payer.machine.id, decision: "deny" })).toEqual([]);
  });

  it("refuses bad parameters with the parameter named", () => {
    const bad = (params: Record<string, string>) => () => parseAuditSearch(new URLSearchParams(params));
    expect(bad({ decision: "maybe" })).toThrow(/decision/);
    expect(bad({ outcome: "won" })).toThrow(/outcome/);
    expect(bad({ from: "yesterday" })).toThrow(/from/);
    expect(bad({ from: "2026-12-05", to: "2026-12-04" })).toThrow(/to/);
    expect(bad({ limit: "101" })).toThrow(/limit/);
    expect(bad({ cursor: "-1" })).toThrow(/cursor/);
    expect(bad({ type: "DROP TABLE" })).toThrow(/type/);
    expect(bad({ q: '"*()' })).toThrow(/letters or digits/);
    expect(bad({ q: "x".repeat(201) })).toThrow(/200/);
  });
});

describe("full text", () => {
  it("finds words in summaries, evidence and ids, case-insensitively; every word must occur", async () => {
    const renamed = await seqsOf({ type: "operator.renamed" });
    expect(await seqsOf({ q: "QUARTERLY rotation" })).toEqual(renamed); // evidence only
    expect(await seqsOf({ q: "quarterly deploy" })).toEqual([]);
    expect(await seqsOf({ q: "accounts/42" })).toEqual(expect.arrayContaining(await seqsOf({ action: "payments.transfer" })));
    expect(await seqsOf({ q: payer.machine.id })).toEqual(expect.arrayContaining(await seqsOf({ machine: payer.machine.id, type: "intent.submitted" })));
  });

  it("a trailing * is a prefix search", async () => {
    expect(await seqsOf({ q: "quarter*" })).toEqual(await seqsOf({ type: "operator.renamed" }));
    expect(await seqsOf({ q: "quarter" })).toEqual([]);
  });

  it("treats FTS5 syntax as text: quotes, OR, NEAR(, *, -, column filters", async () => {
    const renamed = await seqsOf({ type: "operator.renamed" });
    for (const q of ['"prod"', 'renamed "prod', "prod OR staging", "NEAR(a b)", "-x", "col:val", "<script>alert"]) {
      expect(await seqsOf({ q }), q).toEqual(renamed);
    }
    // Obeyed, OR would widen to every entry with "deploy"; as text it requires the word "or".
    expect(await seqsOf({ q: "deploy OR quarterly" })).toEqual([]);
    expect(await seqsOf({ q: "NEAR(deploy" })).toEqual([]);
    expect(await seqsOf({ q: "summary:quarterly" })).toEqual([]);
  });

  it("combines with filters", async () => {
    const rows = await allRows();
    const builderRequests = rows.filter((r) => r.type === "machine.request" && r.summary.includes("search-builder")).map((r) => r.seq);
    expect(builderRequests.length).toBeGreaterThan(0);
    expect(await seqsOf({ q: "search-builder", type: "machine.request" })).toEqual(builderRequests);
  });
});

describe("paging", () => {
  it("keyset pages never skip or repeat an entry while others are appended", async () => {
    for (let i = 0; i < 60; i++) await note(`paging ${i}`, { type: "test.paging" });
    const seen: number[] = [];
    let cursor: string | null = null;
    let appended = 0;
    do {
      const query: Record<string, string> = { type: "test.paging", limit: "7", ...(cursor ? { cursor } : {}) };
      // Appends race with the page read, on the same client (in-process concurrency).
      const [page] = await Promise.all([search(query), note(`late ${appended}`, { type: "test.paging" }), note(`late other ${appended++}`)]);
      seen.push(...page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    const rows = (await env.db.auditEntry.findMany({ where: { type: "test.paging" }, orderBy: { seq: "desc" } })).map((r) => r.seq);
    expect(new Set(seen).size).toBe(seen.length);
    // Every entry that existed when paging began is seen, in order; late ones may or may not be.
    const first = seen[0]!;
    expect(seen.filter((s) => s <= first)).toEqual(rows.filter((s) => s <= first));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it("nextCursor is null on the last page and pages have the requested size", async () => {
    const page = await search({ type: "test.paging", limit: "5" });
    expect(page.entries).toHaveLength(5);
    expect(page.nextCursor).toBe(String(page.entries[4]!.seq));
    const all = await search({ type: "intent.submitted" });
    expect(all.nextCursor).toBeNull();
  });
});

describe("facets", () => {
  it("count types, decisions and outcomes under the current filters", async () => {
    const { facets, capped } = await search({ machine: builder.machine.id });
    const rows = (await allRows()).filter((r) => (JSON.parse(r.subjects) as { machine?: string }).machine === builder.machine.id);
    const byType = new Map<string, number>();
    for (const r of rows) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    expect(new Map(facets.type.map((f) => [f.value, f.count]))).toEqual(byType);
    expect(facets.decision).toEqual(expect.arrayContaining([{ value: "allow", count: 1 }, { value: "deny", count: 1 }]));
    expect(facets.decision).toHaveLength(2);
    expect(new Map(facets.outcome.map((f) => [f.value, f.count])).get("refused")).toBe(1);
    expect(capped).toBe(false);
  });

  it(`say when they only cover the newest ${FACET_SCAN_LIMIT} entries examined`, async () => {
    await writeTransaction(env.db, async (tx) => {
      for (let i = 0; i <= FACET_SCAN_LIMIT; i++) await recordAuditEvent(tx, { type: "test.bulk", actor: { type: "host", id: "test" }, summary: `bulk ${i}`, evidence: {} });
    });
    const result = await search({ type: "test.bulk", limit: "1" });
    expect(result.capped).toBe(true);
    expect(result.facets.type).toEqual([{ value: "test.bulk", count: FACET_SCAN_LIMIT }]);
    expect((await search({ type: "intent.submitted" })).capped).toBe(false);
    // Bounded by entries examined, not by matches: a rare filter under a broad index stays cheap,
    // and the counts say what they cover.
    const broad = await search({ outcome: "accepted", type: "test.bulk" });
    expect(broad.entries).toHaveLength(0);
    const all = await search({});
    expect(all.capped).toBe(true);
    expect(all.facets.type.reduce((sum, f) => sum + f.count, 0)).toBe(FACET_SCAN_LIMIT);
  }, 60_000);
});
