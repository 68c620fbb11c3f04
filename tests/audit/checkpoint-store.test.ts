import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatVkey, parseCheckpoint, verifyCheckpoint } from "@/lib/audit/checkpoint";
import { checkpointIfGrown, createCheckpoint, latestCheckpoint } from "@/lib/audit/checkpoint-store";
import { startCheckpointSchedule } from "@/lib/audit/checkpoint-schedule";
import { defaultOrigin, getLogIdentity, logOrigin } from "@/lib/audit/log-identity";
import { rootAtFor } from "@/lib/audit/db-proofs";
import { checkpointResponse, logKeyResponse } from "@/lib/audit/well-known";
import { loadConfig } from "@/lib/config/env";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { nobleEd25519 } from "@/lib/protocol/ed25519-noble";
import { appendEvents, freshLog, type TestLog } from "./fixtures";

let log: TestLog;
beforeAll(async () => {
  log = await freshLog();
});
afterAll(() => log.close());

describe("log identity", () => {
  it("derives the origin from the public URL's host and path", () => {
    expect(defaultOrigin(new URL("http://localhost:3000"))).toBe("localhost:3000/audit");
    expect(defaultOrigin(new URL("https://pteri.example.com/console"))).toBe("pteri.example.com/console/audit");
    expect(defaultOrigin(new URL("https://x.example/a+b"))).toBe("x.example/a%2Bb/audit");
  });

  it("stores the origin once, so a later change of PTERI_PUBLIC_URL keeps the log's name", async () => {
    expect(log.identity.origin).toBe("localhost:3000/audit");
    expect(await logOrigin(log.db, new URL("https://moved.example.com"))).toBe("localhost:3000/audit");
    const moved = loadConfig({ PTERI_DATA_DIR: log.dir, PTERI_PUBLIC_URL: "https://moved.example.com", DATABASE_URL: log.config.databaseUrl });
    expect((await getLogIdentity(log.db, { ...moved, databaseUrl: `${moved.databaseUrl}?other` })).origin).toBe("localhost:3000/audit");
  });

  it("publishes the vkey of the log key under the origin's name", () => {
    expect(log.identity.vkey).toBe(formatVkey({ name: log.identity.origin, publicKey: log.identity.publicKey }));
    expect(log.identity.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("createCheckpoint", () => {
  it("signs the current head as a C2SP checkpoint that verifies with the vkey", async () => {
    await appendEvents(log.db, 21);
    const cp = await createCheckpoint(log.db, log.identity);
    expect(cp.created).toBe(true);
    expect(cp.size).toBe(21);
    const checked = await verifyCheckpoint(cp.note, [log.identity.vkey], nobleEd25519, { origin: log.identity.origin });
    expect(checked.ok && checked.checkpoint.size).toBe(21);
    expect(checked.ok && Buffer.from(checked.checkpoint.rootHash).equals(Buffer.from(await rootAtFor(log.db, 21)))).toBe(true);
  });

  it("skips signing when the log did not grow, and signs again when it did", async () => {
    const before = await log.db.auditCheckpoint.count();
    const same = await createCheckpoint(log.db, log.identity);
    expect(same.created).toBe(false);
    expect(await checkpointIfGrown(log.db, log.identity)).toBeNull();
    expect(await log.db.auditCheckpoint.count()).toBe(before);
    await appendEvents(log.db, 1);
    const grown = await checkpointIfGrown(log.db, log.identity);
    expect(grown?.size).toBe(22);
    expect(await log.db.auditCheckpoint.count()).toBe(before + 1);
    expect((await latestCheckpoint(log.db))?.size).toBe(22);
  });

  it("is never an audit entry itself", async () => {
    const entries = await log.db.auditEntry.count();
    await appendEvents(log.db, 1);
    await createCheckpoint(log.db, log.identity);
    expect(await log.db.auditEntry.count()).toBe(entries + 1);
  });

  it("runs on a schedule, only when the log grew", async () => {
    await appendEvents(log.db, 2);
    const errors: unknown[] = [];
    const stop = startCheckpointSchedule({ db: log.db, config: log.config, intervalSeconds: 1, onError: (e) => errors.push(e) });
    try {
      const size = (await log.db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).size;
      for (let i = 0; i < 40 && (await latestCheckpoint(log.db))?.size !== size; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await latestCheckpoint(log.db))?.size).toBe(size);
      const count = await log.db.auditCheckpoint.count();
      await new Promise((r) => setTimeout(r, 1300));
      expect(await log.db.auditCheckpoint.count()).toBe(count);
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });
});

describe("well-known URLs", () => {
  const deps = () => ({ db: log.db, config: log.config });

  it("GET /.well-known/pteri-log-key answers the origin, vkey, JWK and key id, readable from any origin", async () => {
    const response = await logKeyResponse(new URL("http://localhost:3000/.well-known/pteri-log-key"), deps());
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const { origin, vkey, publicJwk, keyId } = log.identity;
    expect(await response.json()).toEqual({ origin, vkey, publicJwk, keyId });
  });

  it("?format=vkey answers the vkey line as text; another format is refused", async () => {
    const text = await logKeyResponse(new URL("http://x/.well-known/pteri-log-key?format=vkey"), deps());
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await text.text()).toBe(`${log.identity.vkey}\n`);
    const bad = await logKeyResponse(new URL("http://x/.well-known/pteri-log-key?format=pem"), deps());
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
  });

  it("GET /.well-known/pteri-checkpoint answers the latest signed checkpoint", async () => {
    const response = await checkpointResponse(deps());
    expect(response.status).toBe(200);
    const note = await response.text();
    expect(note).toBe((await latestCheckpoint(log.db))?.note);
    const checked = await verifyCheckpoint(note, [log.identity.vkey], nodeEd25519);
    expect(checked.ok).toBe(true);
  });

  it("signs a first checkpoint when there is none yet (the empty log)", async () => {
    const empty = await freshLog();
    try {
      const note = await (await checkpointResponse({ db: empty.db, config: empty.config })).text();
      const checked = await verifyCheckpoint(note, [empty.identity.vkey], nodeEd25519);
      expect(checked.ok && checked.checkpoint.size).toBe(0);
      expect(parseCheckpoint(note.slice(0, note.indexOf("\n\n") + 1)).ok).toBe(true);
    } finally {
      await empty.close();
    }
  });
});
