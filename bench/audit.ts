/**
 * Audit log benchmark (issue 4): appends per second into a temporary database (on each
 * database bench/run.ts measures), and `pteri audit verify` over a generated export of
 * PTERI_BENCH_AUDIT_ENTRIES entries (default one million), run as the real CLI with its
 * progress bar on stderr (no database: measured once).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { recordAuditEvent } from "../lib/audit/log";
import type { Db } from "../lib/db/client";
import { writeTransaction } from "../lib/db/transaction";
import { generateAuditExport } from "./generate-audit";
import { benchTempDir, withBenchDb, type BenchDatabase } from "./database";
import { onEachDatabase, yieldToEventLoop, type BenchResult, type GroupResults } from "./result";

const APPEND_MS = 3000;
const BIN = path.resolve(import.meta.dirname, "../bin/pteri.mjs");

function entryCount(): number {
  const raw = process.env.PTERI_BENCH_AUDIT_ENTRIES ?? "1000000";
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`PTERI_BENCH_AUDIT_ENTRIES must be a positive whole number (got "${raw}")`);
  return n;
}

/** Evidence about the size of a machine request's (a signature base, headers, a signature). */
const EVIDENCE = {
  keyId: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
  signatureBase: `"@method": POST\n"@target-uri": https://pteri.example.com/api/v1/intents\n${"x".repeat(300)}`,
  signatureInput: `sig1=("@method" "@target-uri" "content-digest" "content-type");created=1796416256;${"y".repeat(150)}`,
  signatureHeader: `sig1=:${"A".repeat(86)}==:`,
  signature: `${"A".repeat(86)}==`,
};

function appends(database: BenchDatabase): Promise<BenchResult[]> {
  return withBenchDb(database, "audit", (db) => measureAppends(db, database));
}

async function measureAppends(db: Db, database: BenchDatabase): Promise<BenchResult[]> {
  const append = (tx: Parameters<Parameters<typeof writeTransaction>[1]>[0], i: number) =>
    recordAuditEvent(tx, { type: "bench.event", actor: { type: "host", id: "bench" }, summary: `bench event ${i}`, evidence: { i, ...EVIDENCE } });
  const rate = async (perTx: number): Promise<number> => {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < APPEND_MS) {
      await writeTransaction(db, async (tx) => {
        for (let i = 0; i < perTx; i++) await append(tx, count++);
      });
      await yieldToEventLoop();
    }
    return (count * 1000) / (performance.now() - start);
  };
  const single = await rate(1);
  const batched = await rate(100);
  const size = (await db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).size;
  return [
    { name: "audit append, one per transaction", value: single, unit: "entries/s", note: `writeTransaction + recordAuditEvent, ~1 KB evidence; ${database.kind === "sqlite" ? "SQLite WAL" : "PostgreSQL over loopback"}` },
    { name: "audit append, 100 per transaction", value: batched, unit: "entries/s", note: `log grew to ${size} entries` },
  ];
}

/** Runs the real CLI; stderr is inherited so the progress bar shows. */
function verifyWithCli(file: string, vkey: string): Promise<{ code: number | null; seconds: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "audit", "verify", file, "--log-key", vkey, "--progress"], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => resolve({ code, seconds: (performance.now() - start) / 1000 }));
  });
}

export async function benchAudit(databases: BenchDatabase[]): Promise<GroupResults> {
  const byDatabase = await onEachDatabase("audit", databases, appends);
  return { shared: await verification(), byDatabase };
}

/** `pteri audit verify` over a generated export: the CLI reads a file, no database. */
async function verification(): Promise<BenchResult[]> {
  const { dir, remove } = benchTempDir("audit-export");
  try {
    const entries = entryCount();
    console.error(`bench audit: generating a ${entries.toLocaleString("en-US")}-entry export...`);
    const generated = await generateAuditExport(path.join(dir, "export.jsonl"), entries);
    const verified = await verifyWithCli(generated.file, generated.vkey);
    if (verified.code !== 0) throw new Error(`bench audit: pteri audit verify exited ${verified.code} on the generated export`);
    const mb = generated.bytes / 1e6;
    return [
      { name: `audit verify, ${entries.toLocaleString("en-US")}-entry export (CLI)`, value: entries / verified.seconds, unit: "entries/s", note: `${verified.seconds.toFixed(1)} s for ${mb.toFixed(0)} MB, ${generated.machineRequests.toLocaleString("en-US")} Ed25519 signatures, process start included` },
      { name: "audit export generation", value: entries / generated.seconds, unit: "entries/s", note: `${generated.signedRequests.toLocaleString("en-US")} distinct signed requests, ${generated.seconds.toFixed(1)} s` },
    ];
  } finally {
    remove();
  }
}
