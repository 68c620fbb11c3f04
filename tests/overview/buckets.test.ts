import { describe, expect, it } from "vitest";
import { bucketGrid, bucketIndex, parseRange } from "@/lib/overview/buckets";
import { QueryError } from "@/lib/http/query-error";

const NOW = new Date("2026-12-04T12:34:56.789Z");

describe("range parsing", () => {
  it("defaults to 24h and accepts exactly 24h, 7d and 30d", () => {
    expect(parseRange(null)).toBe("24h");
    expect(parseRange("")).toBe("24h");
    expect(["24h", "7d", "30d"].map(parseRange)).toEqual(["24h", "7d", "30d"]);
  });

  it.each(["1h", "24H", "7 d", "30d ", "365d", "__proto__", "toString"])("refuses %j as query_invalid (400)", (value) => {
    let error: unknown;
    try {
      parseRange(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).code).toBe("query_invalid");
    expect((error as QueryError).toResponse().status).toBe(400);
  });
});

describe("UTC buckets", () => {
  it("24h: 24 hourly buckets, the last one is the hour containing now", () => {
    const grid = bucketGrid("24h", NOW);
    expect(grid.starts).toHaveLength(24);
    expect(new Date(grid.starts.at(-1)!).toISOString()).toBe("2026-12-04T12:00:00.000Z");
    expect(grid.from.toISOString()).toBe("2026-12-03T13:00:00.000Z");
    expect(grid.to.toISOString()).toBe("2026-12-04T13:00:00.000Z");
  });

  it("7d and 30d: daily buckets starting at UTC midnight", () => {
    const week = bucketGrid("7d", NOW);
    expect(week.starts.map((s) => new Date(s).toISOString().slice(0, 10))).toEqual(["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    expect(week.starts.every((s) => new Date(s).toISOString().endsWith("T00:00:00.000Z"))).toBe(true);
    const month = bucketGrid("30d", NOW);
    expect(month.starts).toHaveLength(30);
    expect(month.from.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(month.to.toISOString()).toBe("2026-12-05T00:00:00.000Z");
  });

  it("places times in buckets with inclusive starts and exclusive ends; outside the grid is -1", () => {
    const grid = bucketGrid("24h", NOW);
    expect(bucketIndex(grid, new Date("2026-12-03T12:59:59.999Z"))).toBe(-1);
    expect(bucketIndex(grid, new Date("2026-12-03T13:00:00.000Z"))).toBe(0);
    expect(bucketIndex(grid, new Date("2026-12-04T11:59:59.999Z"))).toBe(22);
    expect(bucketIndex(grid, new Date("2026-12-04T12:00:00.000Z"))).toBe(23);
    expect(bucketIndex(grid, new Date("2026-12-04T13:00:00.000Z"))).toBe(-1);
  });
});
