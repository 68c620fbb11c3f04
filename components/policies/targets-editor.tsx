"use client";

/** Which machines a policy applies to: all, picked machines (by id), or tag selectors. */
import { useId, useState } from "react";
import type { PolicyIssue } from "@/lib/policies";
import { asArray, asObject, asStrings, messageAt, setIn, type Json, type JsonObject } from "./doc";
import { FieldError, PatternList, SMALL_INPUT, SmallButton } from "./controls";
import { useMachineSearch } from "./queries";

export function TargetsEditor({ targets, issues, onChange, readOnly }: { targets: Json; issues: readonly PolicyIssue[]; onChange: (t: Json) => void; readOnly: boolean }) {
  const t = asObject(targets);
  const searchId = useId();
  const [q, setQ] = useState("");
  const machines = asStrings(t.machines);
  const selectors = asArray(t.tagSelectors);
  const search = useMachineSearch(q.trim(), 8);
  const known = useMachineSearch("", 100);
  const names = new Map([...(known.data?.items ?? []), ...(search.data?.items ?? [])].map((m) => [m.id, m.name]));
  const msg = (path: (string | number)[], deep = false) => messageAt(issues, ["targets", ...path], deep);
  const update = (key: string, value: Json | undefined) => onChange(setIn(t, [key], value) as JsonObject);

  return (
    <fieldset disabled={readOnly} className="min-w-0 space-y-3">
      <legend className="sr-only">Targets</legend>
      <FieldError id={`${searchId}-targets`} message={msg([])} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={t.all === true} onChange={(e) => update("all", e.currentTarget.checked ? true : undefined)} />
        All machines
      </label>
      <div>
        <p className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Machines</p>
        {machines.length ? (
          <ul aria-label="Targeted machines" className="mt-1 flex flex-wrap gap-1">
            {machines.map((id, i) => (
              <li key={`${id}-${i}`} className="inline-flex items-center gap-1 rounded-md border border-zinc-300 bg-zinc-50 py-0.5 pl-2 pr-0.5 text-xs dark:border-zinc-700 dark:bg-zinc-800">
                <span>{names.get(id) ?? "unknown machine"}</span>
                <span className="font-mono text-zinc-600 dark:text-zinc-400">{id}</span>
                {readOnly ? null : (
                  <button type="button" aria-label={`Remove machine ${names.get(id) ?? id}`} onClick={() => update("machines", machines.length === 1 ? undefined : machines.filter((_, j) => j !== i))} className="rounded px-1 hover:bg-zinc-200 dark:hover:bg-zinc-700">
                    <span aria-hidden="true">×</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-1 text-xs italic text-zinc-600 dark:text-zinc-400">No machines picked.</p>
        )}
        <FieldError id={`${searchId}-machines`} message={msg(["machines"], true)} />
        {readOnly ? null : (
          <div className="mt-1">
            <label htmlFor={searchId} className="sr-only">
              Find a machine to target
            </label>
            <input id={searchId} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} placeholder="Find a machine by name or id" className={SMALL_INPUT} autoComplete="off" />
            {q.trim() && search.data ? (
              <ul aria-label="Matching machines" className="mt-1 divide-y divide-zinc-200 rounded-md border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
                {search.data.items.length === 0 ? <li className="px-2 py-1 text-xs text-zinc-600 dark:text-zinc-400">No machine matches.</li> : null}
                {search.data.items.map((m) => (
                  <li key={m.id} className="flex items-center justify-between gap-2 px-2 py-1">
                    <span>
                      {m.name} <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{m.id}</span>
                    </span>
                    <SmallButton disabled={machines.includes(m.id)} onClick={() => update("machines", [...machines, m.id])} aria-label={`Target machine ${m.name}`}>
                      {machines.includes(m.id) ? "Added" : "Add"}
                    </SmallButton>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        )}
      </div>
      <div>
        <p className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Tag selectors (a machine matches a selector when it carries every tag in it)</p>
        <FieldError id={`${searchId}-selectors`} message={msg(["tagSelectors"])} />
        <ol className="mt-1 space-y-2">
          {selectors.map((s, si) => (
            <li key={si} className="flex items-start gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
              <div className="min-w-0 flex-1">
                <PatternList
                  label={`Selector ${si + 1}: every one of these tags`}
                  itemLabel={`tag of selector ${si + 1}`}
                  values={asStrings(s)}
                  onChange={(v) => update("tagSelectors", setIn(selectors, [si], v))}
                  placeholder="team:payments"
                  error={messageAt(issues, ["targets", "tagSelectors", si], true)}
                  readOnly={readOnly}
                />
              </div>
              {readOnly ? null : (
                <SmallButton onClick={() => update("tagSelectors", selectors.length === 1 ? undefined : selectors.filter((_, j) => j !== si))} aria-label={`Remove selector ${si + 1}`}>
                  Remove
                </SmallButton>
              )}
            </li>
          ))}
        </ol>
        {readOnly ? null : (
          <SmallButton className="mt-1" onClick={() => update("tagSelectors", [...selectors, []])}>
            + Add tag selector
          </SmallButton>
        )}
      </div>
    </fieldset>
  );
}
