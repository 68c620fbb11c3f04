// npm run bench [-- NAME...] [--json]: runs the benchmarks and prints their figures.
// Figures are reported, not asserted. To add a benchmark, add one line to BENCHES.
import { benchAudit } from "./audit";
import { benchAuditSearch } from "./audit-search";
import { benchAuth } from "./auth";
import { benchMachines } from "./machines";
import { benchPolicies } from "./policies";
import type { BenchResult } from "./result";

const BENCHES: { name: string; run: () => Promise<BenchResult[]> }[] = [
  { name: "auth", run: benchAuth },
  { name: "audit", run: benchAudit },
  { name: "audit-search", run: benchAuditSearch },
  { name: "machines", run: benchMachines },
  { name: "policies", run: benchPolicies },
];

function format(value: number, unit: string): string {
  if (unit === "ratio") return value.toFixed(2);
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}

function table(group: string, results: BenchResult[]): string {
  const rows = results.map((r) => [r.name, format(r.value, r.unit), r.unit, r.note ?? ""]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => [row[0]?.padEnd(widths[0] ?? 0), row[1]?.padStart(widths[1] ?? 0), row[2]?.padEnd(widths[2] ?? 0), row[3]].join("  ").trimEnd();
  return [`## ${group}`, ...rows.map(line)].join("\n");
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const wanted = args.filter((a) => !a.startsWith("--"));
const selected = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));
if (selected.length === 0) {
  console.error(`bench: unknown benchmark; choose from ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const all: Record<string, BenchResult[]> = {};
for (const bench of selected) {
  const results = await bench.run();
  all[bench.name] = results;
  if (!json) console.log(`${table(bench.name, results)}\n`);
}
if (json) console.log(JSON.stringify(all, null, 2));
