// bench/report.ts: how `npm run bench` puts a group's SQLite and PostgreSQL figures side by side.
import { describe, expect, it } from "vitest";
import { formatGroup, reportRows } from "@/bench/report";
import type { GroupResults } from "@/bench/result";

const results: GroupResults = {
  shared: [{ name: "Ed25519 verify", value: 10_800, unit: "ops/s" }],
  byDatabase: {
    sqlite: [
      { name: "append", value: 200, unit: "entries/s", note: "1 KB evidence; SQLite WAL" },
      { name: "size", value: 12, unit: "MiB" },
    ],
    postgresql: [
      { name: "size", value: 30, unit: "MiB" },
      { name: "append", value: 100, unit: "entries/s", note: "1 KB evidence; PostgreSQL" },
      { name: "only here", value: 5, unit: "ms" },
    ],
  },
};

describe("reportRows", () => {
  it("pairs each database's figures by name, in the order first reported, with postgresql/sqlite", () => {
    const rows = reportRows(results);
    expect(rows.map((r) => r.name)).toEqual(["Ed25519 verify", "append", "size", "only here"]);
    expect(rows[0]).toEqual({ name: "Ed25519 verify", unit: "ops/s", once: { value: 10_800 } });
    expect(rows[1]).toMatchObject({ sqlite: { value: 200 }, postgresql: { value: 100 }, ratio: 0.5 });
    expect(rows[2]).toMatchObject({ sqlite: { value: 12 }, postgresql: { value: 30 }, ratio: 2.5 });
    expect(rows[3]).toMatchObject({ postgresql: { value: 5 } });
    expect(rows[3]).not.toHaveProperty("ratio");
  });
});

describe("formatGroup", () => {
  it("prints figures without a database once, then one row per figure with both values and the ratio", () => {
    const text = formatGroup("audit", reportRows(results), ["sqlite", "postgresql"]);
    const lines = text.split("\n");
    expect(lines[0]).toBe("## audit");
    expect(lines[1]).toBe("no database (measured once):");
    expect(lines[2]).toMatch(/^Ed25519 verify\s+10,800\s+ops\/s$/);
    expect(lines).toContain("");
    expect(text).toMatch(/^figure\s+sqlite\s+postgresql\s+pg\/sqlite\s+unit\s+note$/m);
    expect(text).toMatch(/^append\s+200\s+100\s+0\.50\s+entries\/s\s+1 KB evidence$/m);
    expect(text).toMatch(/^size\s+12\.00\s+30\.00\s+2\.50\s+MiB$/m);
    expect(text).toMatch(/^only here\s+-\s+5\.00\s+-\s+ms$/m);
  });

  it("shows the parts of a note both databases share once, and the differing parts per database", () => {
    const text = formatGroup("audit", reportRows(results), ["sqlite", "postgresql"]);
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith("append"));
    expect(lines[at + 1]?.trim()).toBe("sqlite: SQLite WAL");
    expect(lines[at + 2]?.trim()).toBe("postgresql: PostgreSQL");
    // The continuation lines start in the note column.
    expect(lines[at + 1]!.indexOf("sqlite:")).toBe(lines[at]!.indexOf("1 KB evidence"));
  });

  it("with one database measured, has its column only and no ratio", () => {
    const sqliteOnly: GroupResults = { shared: [], byDatabase: { sqlite: results.byDatabase.sqlite } };
    const text = formatGroup("audit", reportRows(sqliteOnly), ["sqlite"]);
    expect(text).toMatch(/^figure\s+sqlite\s+unit\s+note$/m);
    expect(text).not.toContain("postgresql");
    expect(text).not.toContain("no database");
    expect(text).toMatch(/^append\s+200\s+entries\/s\s+1 KB evidence; SQLite WAL$/m);
  });
});
