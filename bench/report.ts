/**
 * How `npm run bench` shows a group's figures: those measured once (no database) as they are,
 * then each database figure on one row with its value on SQLite and on PostgreSQL and the
 * ratio postgresql/sqlite (above 1: PostgreSQL's figure is larger; whether larger is better
 * depends on the unit).
 */
import type { DatabaseKind } from "../lib/config/env";
import type { BenchResult, GroupResults } from "./result";

export interface Measurement {
  value: number;
  note?: string;
}

/** One row of a group's report (and of --json). */
export interface ReportRow {
  name: string;
  unit: string;
  /** A figure that touches no database: measured once. */
  once?: Measurement;
  sqlite?: Measurement;
  postgresql?: Measurement;
  /** postgresql / sqlite, when both were measured. */
  ratio?: number;
}

/** Pairs each database's figures by name, in the order they were first reported. */
export function reportRows(results: GroupResults): ReportRow[] {
  const rows: ReportRow[] = results.shared.map((r) => ({ name: r.name, unit: r.unit, once: measurement(r) }));
  const byName = new Map<string, ReportRow>();
  for (const kind of ["sqlite", "postgresql"] as const satisfies DatabaseKind[]) {
    for (const result of results.byDatabase[kind] ?? []) {
      let row = byName.get(result.name);
      if (!row) {
        row = { name: result.name, unit: result.unit };
        byName.set(result.name, row);
        rows.push(row);
      }
      row[kind] = measurement(result);
    }
  }
  for (const row of byName.values()) {
    if (row.sqlite && row.postgresql && row.sqlite.value !== 0) row.ratio = row.postgresql.value / row.sqlite.value;
  }
  return rows;
}

function measurement(result: BenchResult): Measurement {
  return result.note === undefined ? { value: result.value } : { value: result.value, note: result.note };
}

function format(value: number, unit: string): string {
  if (unit === "ratio") return value.toFixed(2);
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}

/** Columns padded to their widest cell; the numeric columns (`right`) align right. */
function align(rows: string[][], right: Set<number>): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** The figures measured once, as `npm run bench` always printed them. */
function onceTable(rows: ReportRow[]): string[] {
  const cells = rows.map((r) => [r.name, format(r.once!.value, r.unit), r.unit, r.once!.note ?? ""]);
  return align(cells, new Set([1]));
}

/**
 * The database figures: one column per database measured, the ratio when both were. A note
 * that differs between the databases takes one line per database.
 */
function databaseTable(rows: ReportRow[], kinds: DatabaseKind[]): string[] {
  const both = kinds.length === 2;
  const header = ["figure", ...kinds, ...(both ? ["pg/sqlite"] : []), "unit", "note"];
  const cells: string[][] = [header];
  for (const row of rows) {
    const values = kinds.map((kind) => (row[kind] ? format(row[kind].value, row.unit) : "-"));
    const ratio = both ? [row.ratio === undefined ? "-" : row.ratio.toFixed(2)] : [];
    const notes = noteLines(row, kinds);
    cells.push([row.name, ...values, ...ratio, row.unit, notes[0] ?? ""]);
    for (const extra of notes.slice(1)) cells.push([...header.slice(0, -1).map(() => ""), extra]);
  }
  return align(cells, new Set(Array.from({ length: kinds.length + (both ? 1 : 0) }, (_, i) => i + 1)));
}

/**
 * A note's "; "-separated parts that are the same on every database are shown once; the parts
 * that differ (latencies, say) get a line per database.
 */
function noteLines(row: ReportRow, kinds: DatabaseKind[]): string[] {
  const parts = kinds.map((kind) => (row[kind]?.note ? row[kind].note.split("; ") : []));
  const length = Math.max(...parts.map((p) => p.length));
  const same = (i: number) => parts.every((p) => p[i] === parts[0]![i]);
  const indexes = Array.from({ length }, (_, i) => i);
  const common = indexes.filter(same).map((i) => parts[0]![i]!);
  const differing = indexes.filter((i) => !same(i));
  const lines = common.length > 0 ? [common.join("; ")] : [];
  if (differing.length > 0) lines.push(...kinds.map((kind, k) => `${kind}: ${differing.map((i) => parts[k]![i] ?? "-").join("; ")}`));
  return lines;
}

/** A group's report as text. `kinds`: the databases measured in this run. */
export function formatGroup(group: string, rows: ReportRow[], kinds: DatabaseKind[]): string {
  const once = rows.filter((r) => r.once);
  const measured = rows.filter((r) => !r.once);
  const parts = [`## ${group}`];
  if (once.length > 0) parts.push(...(measured.length > 0 ? ["no database (measured once):"] : []), ...onceTable(once));
  if (measured.length > 0) parts.push(...(once.length > 0 ? [""] : []), ...databaseTable(measured, kinds));
  return parts.join("\n");
}
