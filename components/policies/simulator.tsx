"use client";

/**
 * The simulator: an intent (machine or tags, action, resource, parameters, time, source
 * address) evaluated in the browser against the draft and the published version, recomputed on
 * every edit. Shows the decision, the rule that decided and why every other rule did not match.
 */
import { useId } from "react";
import { describeFailure, describeObligation, type Decision } from "@/lib/policies";
import { EditorField, SMALL_INPUT, VerdictBadge } from "./controls";
import type { MachineView } from "./queries";
import { prepare, simulate, type Compiled, type SimulationInput } from "./simulate";

export function simulationMachine(sim: SimulationInput, machines: readonly MachineView[]): { id: string; tags: string[] } | null {
  if (!sim.machineId) return null;
  const m = machines.find((x) => x.id === sim.machineId);
  return m ? { id: m.id, tags: m.tags } : { id: sim.machineId, tags: [] };
}

/** A monospace text field offering `options` from a <datalist> (any other text may be typed too). */
function SuggestedInput({ label, listId, value, onChange, placeholder, options }: { label: string; listId: string; value: string; onChange: (value: string) => void; placeholder: string; options: readonly string[] }) {
  return (
    <EditorField label={label}>
      {(aria) => (
        <>
          <input {...aria} list={listId} value={value} onChange={(e) => onChange(e.currentTarget.value)} placeholder={placeholder} spellCheck={false} className={`${SMALL_INPUT} font-mono`} />
          <datalist id={listId}>
            {options.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        </>
      )}
    </EditorField>
  );
}

export function Simulator({
  sim,
  onChange,
  machines,
  suggestions,
  draft,
  published,
  draftTitle = "Draft",
}: {
  sim: SimulationInput;
  onChange: (sim: SimulationInput) => void;
  machines: readonly MachineView[];
  suggestions: { actions: readonly string[]; resources: readonly string[] };
  draft: Compiled;
  published: Compiled | null;
  /** Readers see the version in force, not an editor's draft: say what is simulated. */
  draftTitle?: string;
}) {
  const id = useId();
  const set = <K extends keyof SimulationInput>(key: K, value: SimulationInput[K]) => onChange({ ...sim, [key]: value });
  const machine = simulationMachine(sim, machines);
  const prepared = prepare(sim, machine);
  const recent = Math.max(0, Number.parseInt(sim.recent, 10) || 0);
  const draftDecision = prepared.ok && draft.ok ? simulate(draft.set, prepared.input, recent) : null;
  const publishedDecision = prepared.ok && published?.ok ? simulate(published.set, prepared.input, recent) : null;

  return (
    <div className="space-y-3">
      <div className="grid gap-2 sm:grid-cols-2">
        <EditorField label="Machine">
          {(aria) => (
            <select {...aria} value={sim.machineId} onChange={(e) => set("machineId", e.currentTarget.value)} className={SMALL_INPUT}>
              <option value="">Any machine with these tags…</option>
              {machines.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.tags.length ? ` (${m.tags.join(", ")})` : ""}
                </option>
              ))}
            </select>
          )}
        </EditorField>
        {sim.machineId ? (
          <div className="text-xs text-zinc-600 dark:text-zinc-400 sm:pt-5">
            Tags: <span className="font-mono">{machine?.tags.join(", ") || "none"}</span>
          </div>
        ) : (
          <EditorField label="Machine tags" hint="Comma-separated, e.g. team:payments, env:prod">
            {(aria) => <input {...aria} value={sim.tags} onChange={(e) => set("tags", e.currentTarget.value)} spellCheck={false} className={`${SMALL_INPUT} font-mono`} />}
          </EditorField>
        )}
        <SuggestedInput label="Action" listId={`${id}-actions`} value={sim.action} onChange={(v) => set("action", v)} placeholder="payments.transfer" options={suggestions.actions} />
        <SuggestedInput label="Resource" listId={`${id}-resources`} value={sim.resource} onChange={(v) => set("resource", v)} placeholder="accounts/acme/payouts" options={suggestions.resources} />
      </div>
      <EditorField label="Parameters (JSON)" error={!prepared.ok && prepared.field === "params" ? prepared.message : null}>
        {(aria) => <textarea {...aria} rows={3} value={sim.params} onChange={(e) => set("params", e.currentTarget.value)} spellCheck={false} className={`${SMALL_INPUT} font-mono text-xs`} />}
      </EditorField>
      <div className="grid gap-2 sm:grid-cols-2">
        <EditorField className="sm:col-span-2" label="Time (your zone)" error={!prepared.ok && prepared.field === "time" ? prepared.message : null}>
          {(aria) => <input {...aria} type="datetime-local" value={sim.time} onChange={(e) => set("time", e.currentTarget.value)} className={SMALL_INPUT} />}
        </EditorField>
        <EditorField label="Source address">
          {(aria) => <input {...aria} value={sim.source} onChange={(e) => set("source", e.currentTarget.value)} placeholder="192.0.2.10" spellCheck={false} className={`${SMALL_INPUT} font-mono`} />}
        </EditorField>
        <EditorField label="Recent allowed intents" hint="For rate limits.">
          {(aria) => <input {...aria} inputMode="numeric" value={sim.recent} onChange={(e) => set("recent", e.currentTarget.value)} className={SMALL_INPUT} />}
        </EditorField>
      </div>

      <div className="grid gap-3">
        <DecisionPanel
          title={draftTitle}
          testId="sim-draft"
          decision={draftDecision}
          unavailable={!draft.ok ? `The document has ${draft.problems === 1 ? "1 problem" : `${draft.problems} problems`}; fix the fields marked in the editor to simulate it.` : !prepared.ok ? prepared.message : null}
        />
        <DecisionPanel
          title={published?.ok ? `Published v${published.version}` : "Published"}
          testId="sim-published"
          decision={publishedDecision}
          compact
          unavailable={!published ? "Not published yet: every intent is denied (default deny)." : !published.ok ? "The published version does not validate (it fails closed)." : !prepared.ok ? prepared.message : null}
        />
      </div>
    </div>
  );
}

function DecisionPanel({ title, testId, decision, unavailable, compact = false }: { title: string; testId: string; decision: Decision | null; unavailable: string | null; compact?: boolean }) {
  const headingId = useId();
  const decided = new Set(decision?.decidedBy.map((r) => r.ruleId) ?? []);
  return (
    <section aria-labelledby={headingId} data-testid={testId} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 id={headingId} className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        {title}
      </h3>
      {/* The verdict is announced politely as it changes while the operator edits. */}
      <div role="status" aria-live="polite" aria-atomic="true" className="mt-1">
        {decision ? (
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="sr-only">{title} decision: </span>
            <VerdictBadge decision={decision.decision} />
            <span data-testid={`${testId}-message`}>{decision.message}</span>
          </p>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{unavailable}</p>
        )}
      </div>
      {decision?.approval ? (
        <p className="mt-1 text-sm">
          <span className="font-medium">Approval needed: </span>
          {describeObligation(decision.approval)}.
        </p>
      ) : null}
      {decision && !compact ? (
        <div className="mt-2 space-y-2 text-sm">
          {decision.matched.length ? (
            <div>
              <h4 className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Rules that matched</h4>
              <ul className="mt-1 space-y-1">
                {decision.matched.map((m) => (
                  <li key={m.ruleId} className="text-xs">
                    <span className="font-mono">{m.ruleId}</span> ({m.effect}){decided.has(m.ruleId) ? <strong> — decided</strong> : null}
                    {m.undecided ? <span className="block text-amber-800 dark:text-amber-300">Applied because a check could not be decided: {describeFailure(m.undecided)}</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {decision.notMatched.length ? (
            <div>
              <h4 className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Rules that did not match</h4>
              <ul className="mt-1 space-y-1" aria-label={`${title}: rules that did not match`}>
                {decision.notMatched.map((m) => (
                  <li key={m.ruleId} className="text-xs">
                    <span className="font-mono">{m.ruleId}</span> ({m.effect}): {describeFailure(m.failed)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
