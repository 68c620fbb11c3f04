/**
 * pteri audit verify --server: a real HTTP server answers /.well-known/pteri-checkpoint and
 * /.well-known/pteri-consistency from a test log; the CLI remembers the checkpoint it saw and
 * must notice when the log behind the same URL and the same log key is swapped for another
 * history (a second database signed with the same key: what someone holding the data
 * directory could do).
 */
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../audit/checkpoint-store";
import { rootAtFor } from "../../audit/db-proofs";
import { verifyConsistency } from "../../audit/merkle-verify";
import { checkpointResponse } from "../../audit/well-known";
import { consistencyResponse, type ConsistencyAnswer } from "../../audit/well-known-consistency";
import { loadConfig } from "../../config/env";
import { prepareDatabase } from "../../db/prepare";
import { base64Decode } from "../../protocol/encoding";
import { appendEvents, freshLog, openTestLog, PUBLIC_URL, type TestLog } from "../../../tests/audit/fixtures";
import { expectOneErrorLine, runCli, tempDir } from "./run";
import { testDatabaseEnv } from "@/tests/helpers/database";

let honest: TestLog;
let served: TestLog;
const others: TestLog[] = [];
let server: Server;
let url = "";

/** A log in a new data directory holding a copy of `source`'s log key: same origin, same vkey, another history. */
async function sameKeyLog(source: TestLog, entries: number): Promise<TestLog> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-rewrite-"));
  fs.copyFileSync(path.join(source.dir, "audit-log-key.pem"), path.join(dir, "audit-log-key.pem"));
  fs.chmodSync(path.join(dir, "audit-log-key.pem"), 0o600);
  const config = loadConfig({ PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: PUBLIC_URL, ...testDatabaseEnv(dir) });
  await prepareDatabase(config);
  const log = await openTestLog(dir, config);
  others.push(log);
  expect(log.identity.vkey).toBe(source.identity.vkey);
  await appendEvents(log.db, entries, "rewritten");
  await createCheckpoint(log.db, log.identity);
  return log;
}

beforeAll(async () => {
  honest = await freshLog();
  await appendEvents(honest.db, 12, "honest");
  await createCheckpoint(honest.db, honest.identity);
  served = honest;
  server = createServer((req, res) => {
    void (async () => {
      const at = new URL(req.url ?? "/", "http://x");
      const deps = { db: served.db, config: served.config };
      const response =
        at.pathname === "/.well-known/pteri-checkpoint" ? await checkpointResponse(deps)
        : at.pathname === "/.well-known/pteri-consistency" ? await consistencyResponse(at, deps)
        : new Response("not found", { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const log of [honest, ...others]) await log.close();
});

const liveVerify = (state: string, ...extra: string[]) => runCli(["audit", "verify", "--server", url, "--log-key", honest.identity.vkey, "--state", state, ...extra]);

describe("pteri audit verify --server", () => {
  it("first run trusts on first use and remembers (mode 0600); later runs pass while the log only grows", async () => {
    served = honest;
    const state = path.join(tempDir(), "nested", "log.json");
    const first = await liveVerify(state);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^First run: trusting log ${honest.identity.origin.replace(/[.]/g, "\\.")} at size 12 .* on first use; remembered in ${state}`));
    expect(fs.statSync(state).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(state, "utf8"))).toMatchObject({ origin: honest.identity.origin, server: url });

    const same = await liveVerify(state);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^OK: log .* unchanged at size 12 since /);

    await appendEvents(honest.db, 5, "more");
    await createCheckpoint(honest.db, honest.identity);
    const grown = await liveVerify(state, "--json");
    expect(grown.code).toBe(0);
    expect(JSON.parse(grown.stdout)).toMatchObject({ ok: true, firstUse: false, previous: { size: 12 }, current: { size: 17 } });
    expect(JSON.parse(fs.readFileSync(state, "utf8")).checkpoint).toContain("\n17\n");
  });

  it("the default state file is per origin under $XDG_STATE_HOME/pteri/checkpoints", async () => {
    served = honest;
    const xdg = tempDir();
    const r = await runCli(["audit", "verify", "--server", url, "--log-key", honest.identity.vkey], { env: { ...process.env, XDG_STATE_HOME: xdg } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(xdg, "pteri", "checkpoints", `${encodeURIComponent(honest.identity.origin)}.json`))).toBe(true);
  });

  describe("a rewritten history behind the same URL and log key is detected, and the state is kept", () => {
    let state = "";
    let remembered = "";
    beforeAll(async () => {
      served = honest;
      state = path.join(tempDir(), "state.json");
      expect((await liveVerify(state)).code).toBe(0);
      remembered = fs.readFileSync(state, "utf8");
    });

    const expectRewritten = async (pattern: RegExp) => {
      const r = await liveVerify(state);
      expect(r.code).toBe(1);
      expect(expectOneErrorLine(r)).toMatch(pattern);
      expect(fs.readFileSync(state, "utf8")).toBe(remembered);
      served = honest;
    };

    it("another root at the same size", async () => {
      served = await sameKeyLog(honest, 17);
      await expectRewritten(/^pteri: the log's history was rewritten: at size 17 its root is now .*, but it was /);
    });

    it("a log that shrank", async () => {
      served = await sameKeyLog(honest, 10);
      await expectRewritten(/^pteri: the log's history was rewritten: the log now has 10 entries, but it had 17 /);
    });

    it("a longer log that does not extend the remembered one (no valid consistency proof)", async () => {
      served = await sameKeyLog(honest, 30);
      await expectRewritten(/^pteri: the log's history was rewritten: the tree of 17 entries this machine saw .* is not a prefix of the current tree of 30 entries/);
    });

    it("a checkpoint signed by another key", async () => {
      const stranger = await freshLog();
      others.push(stranger);
      await appendEvents(stranger.db, 20);
      await createCheckpoint(stranger.db, stranger.identity);
      served = stranger;
      await expectRewritten(/^pteri: the checkpoint http:\/\/127\.0\.0\.1:\d+ serves is not validly signed by the log key/);
    });
  });

  it("usage: --server needs --log-key, and not an export file too", async () => {
    const noKey = await runCli(["audit", "verify", "--server", url]);
    expect(noKey.code).toBe(2);
    expect(expectOneErrorLine(noKey)).toMatch(/--server needs --log-key/);
    const both = await runCli(["audit", "verify", "x.jsonl", "--server", url, "--log-key", honest.identity.vkey]);
    expect(both.code).toBe(2);
  });
});

describe("GET /.well-known/pteri-consistency", () => {
  const ask = async (query: string) => consistencyResponse(new URL(`http://x/.well-known/pteri-consistency?${query}`), { db: honest.db, config: honest.config });

  it("serves a proof that verifies between the two roots; without `to`, up to the latest checkpoint, which it includes", async () => {
    const r = await ask("from=5&to=12");
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await r.json()) as ConsistencyAnswer;
    const [m, n] = [await rootAtFor(honest.db, 5), await rootAtFor(honest.db, 12)];
    expect(verifyConsistency(5, 12, body.proof.map(base64Decode), m, n)).toBe(true);
    expect(verifyConsistency(5, 12, body.proof.map(base64Decode), n, m)).toBe(false);
    const latest = (await (await ask("from=3")).json()) as ConsistencyAnswer;
    expect(latest.checkpoint).toContain(`\n${latest.to}\n`);
    expect((await ask("from=0&to=4")).status).toBe(200);
    expect(((await (await ask("from=7&to=7")).json()) as ConsistencyAnswer).proof).toEqual([]);
  });

  it("refuses sizes that are not whole numbers, out of order, or past the latest checkpoint (400, nothing computed)", async () => {
    for (const query of ["", "from=abc", "from=-1", "from=1e3", "from=01", "from=2&to=x", "from=5&to=3", "from=1&to=100000", "from=99999999999999999"]) {
      const r = await ask(query);
      expect(r.status, query).toBe(400);
      expect(((await r.json()) as { code: string }).code).toBe("consistency_range_invalid");
    }
  });
});
