"use client";

/**
 * Effective access: machines (or, with none enrolled, the policy's tag selectors) by actions,
 * each cell the draft's and the published version's decision, in words and symbols (never
 * color alone). Cells use the simulator's resource, parameters, time and source address.
 * Readers are shown the published version, not a draft: with `showsPublished` each cell is the
 * published version's decision alone, labelled so.
 */
import type { DecisionKind } from "@/lib/policies";
import { asArray, asObject, asStrings, type Json } from "./doc";
import { toneClass } from "../ui/badge";
import { VERDICT } from "./controls";
import type { MachineView } from "./queries";
import { prepare, simulate, type Compiled, type SimulationInput } from "./simulate";

const MAX_ROWS = 20;
const MAX_COLUMNS = 10;

export function matrixActions(document: Json, suggested: readonly string[]): string[] {
  const fromRules = asArray(asObject(document).rules).flatMap((r) => asStrings(asObject(r).actions));
  return [...new Set([...fromRules, ...suggested])].slice(0, MAX_COLUMNS);
}

function Cell({ label, kind }: { label: string; kind: DecisionKind | null }) {
  if (!kind) return <span className="block text-xs text-zinc-600 dark:text-zinc-400">{label}: —</span>;
  const v = VERDICT[kind]!;
  return (
    <span data-verdict={kind} className={`block rounded border px-1 py-0.5 text-xs ${toneClass(v.tone)}`}>
      <span className="font-medium">{label}:</span> <span aria-hidden="true">{v.symbol}</span> {v.label}
    </span>
  );
}

/** The machine picked in the simulator leads, so the one being examined is always a row. */
function pinnedFirst(machines: readonly MachineView[], pinnedId: string): readonly MachineView[] {
  const pinned = machines.find((m) => m.id === pinnedId);
  return pinned ? [pinned, ...machines.filter((m) => m !== pinned)] : machines;
}

export function AccessMatrix({
  document,
  draft,
  published,
  showsPublished = false,
  machines,
  suggestedActions,
  sim,
}: {
  /** The document shown (its actions and tag selectors make the columns and, without machines, the rows). */
  document: Json;
  draft: Compiled;
  published: Compiled | null;
  /** The document shown is the published version (a reader's view): one cell, "Published". */
  showsPublished?: boolean;
  machines: readonly MachineView[];
  suggestedActions: readonly string[];
  sim: SimulationInput;
}) {
  const actions = matrixActions(document, suggestedActions);
  const selectors = asArray(asObject(asObject(document).targets).tagSelectors).map(asStrings).filter((s) => s.length > 0);
  const rows: { key: string; label: string; machine: { id: string; tags: string[] } }[] =
    machines.length > 0
      ? pinnedFirst(machines, sim.machineId)
          .slice(0, MAX_ROWS)
          .map((m) => ({ key: m.id, label: m.name, machine: { id: m.id, tags: m.tags } }))
      : selectors.slice(0, MAX_ROWS).map((tags, i) => ({ key: `sel-${i}`, label: `tags ${tags.join(" + ")}`, machine: { id: `selector-${i}`, tags } }));
  if (actions.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Add an action to a rule to see who may do what.</p>;
  if (rows.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No machines are enrolled and the policy has no tag selectors: nothing to show yet.</p>;
  const recent = Math.max(0, Number.parseInt(sim.recent, 10) || 0);

  return (
    <div className="overflow-x-auto">
      <table className="min-w-full border-collapse text-sm" aria-label="Effective access">
        <caption className="mb-2 text-left text-xs text-zinc-600 dark:text-zinc-400">
          {showsPublished ? "Each cell: the published version’s decision" : "Each cell: the draft’s decision and the published version’s"}, for resource <span className="font-mono">{sim.resource || "(empty)"}</span> with the simulator&apos;s parameters, time and source address.
          {machines.length > MAX_ROWS ? ` ${MAX_ROWS} machines: the one picked in the simulator, then the first others.` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="border-b border-zinc-200 px-2 py-1 text-left text-xs font-medium dark:border-zinc-800">
              Machine
            </th>
            {actions.map((a) => (
              <th key={a} scope="col" className="border-b border-zinc-200 px-2 py-1 text-left font-mono text-xs font-medium dark:border-zinc-800">
                {a}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className="align-top">
              <th scope="row" className="border-b border-zinc-100 px-2 py-1 text-left text-xs font-medium dark:border-zinc-800">
                {row.label}
              </th>
              {actions.map((action) => {
                const prepared = prepare({ ...sim, action, machineId: row.machine.id }, row.machine);
                const d = !showsPublished && prepared.ok && draft.ok ? simulate(draft.set, prepared.input, recent).decision : null;
                const p = prepared.ok && published?.ok ? simulate(published.set, prepared.input, recent).decision : published ? null : "deny";
                return (
                  <td key={action} className="border-b border-zinc-100 px-2 py-1 dark:border-zinc-800">
                    <div className="grid min-w-36 gap-0.5">
                      {showsPublished ? null : <Cell label="Draft" kind={d} />}
                      <Cell label="Published" kind={p} />
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
