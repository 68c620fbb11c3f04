"use client";

/**
 * One rule as a card: effect, actions, resources, conditions, context (time windows, source
 * ranges), rate limit and approval, each with its own typed control and the validation message
 * of exactly that field next to it (issues are matched by their JSON path).
 */
import { useId } from "react";
import { CONDITION_OPERATORS, WEEKDAYS, type PolicyIssue } from "@/lib/policies";
import { asArray, asObject, asStrings, formatSeconds, isObject, issuesAt, messageAt, setIn, type Json, type JsonObject, type Path } from "./doc";
import { BufferedInput, EditorField, FieldError, formatNumberish, parseNumberish, PatternList, SMALL_INPUT, SmallButton } from "./controls";
import { ConditionValue, convertValue } from "./condition-value";

const OPERATOR_LABELS: Record<string, string> = {
  eq: "equals (eq)",
  ne: "does not equal (ne)",
  lt: "less than (lt)",
  lte: "at most (lte)",
  gt: "greater than (gt)",
  gte: "at least (gte)",
  in: "is one of (in)",
  not_in: "is none of (not_in)",
  glob: "matches glob (glob)",
  regex: "matches regex (regex)",
  exists: "exists (exists)",
};

const DAY_LABELS: Record<string, string> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

let zones: string[] | null = null;
function timeZones(current: string): string[] {
  if (!zones) {
    try {
      zones = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
    } catch {
      zones = ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
    }
  }
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

export interface RuleCardProps {
  rule: Json;
  index: number;
  count: number;
  issues: readonly PolicyIssue[];
  suggestions: { actions: readonly string[]; resources: readonly string[] };
  readOnly: boolean;
  onChange: (rule: Json) => void;
  onMove: (to: number) => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

export function RuleCard({ rule, index, count, issues, suggestions, readOnly, onChange, onMove, onDuplicate, onDelete }: RuleCardProps) {
  const headingId = useId();
  const r = asObject(rule);
  const base: Path = ["rules", index];
  const msg = (rel: Path, deep = false) => messageAt(issues, [...base, ...rel], deep);
  const set = (rel: Path, value: Json | undefined) => onChange(setIn(r, rel, value));
  const id = typeof r.id === "string" ? r.id : "";
  const effect = r.effect === "deny" ? "deny" : r.effect === "allow" ? "allow" : "";
  const conditions = asArray(r.conditions);
  const context = asObject(r.context);
  const time = isObject(context.time) ? context.time : null;
  const sources = Array.isArray(context.sourceAddresses) ? asStrings(context.sourceAddresses) : null;
  const rate = isObject(r.rateLimit) ? r.rateLimit : null;
  const approval = isObject(r.approval) ? r.approval : null;
  const ruleIssues = issuesAt(issues, base, true).length;

  const setContext = (key: "time" | "sourceAddresses", value: Json | undefined) => {
    const next = setIn(context, [key], value) as JsonObject;
    set(["context"], Object.keys(next).length ? next : undefined);
  };

  return (
    <section
      aria-labelledby={headingId}
      data-rule-index={index}
      className={`rounded-lg border bg-white dark:bg-zinc-900 ${ruleIssues ? "border-red-400 dark:border-red-800" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h3 id={headingId} className="flex items-center gap-2 text-sm font-semibold">
          <span>Rule {index + 1}</span>
          <span className="font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{id || "(no id)"}</span>
          <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${effect === "deny" ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"}`}>
            {effect || "?"}
          </span>
          {ruleIssues ? <span className="text-xs font-normal text-red-700 dark:text-red-300">{ruleIssues === 1 ? "1 problem" : `${ruleIssues} problems`}</span> : null}
        </h3>
        {readOnly ? null : (
          <div role="toolbar" aria-label={`Rule ${index + 1} actions`} className="flex flex-wrap gap-1">
            <SmallButton data-move="up" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label={`Move rule ${index + 1} up`}>
              ↑ Up
            </SmallButton>
            <SmallButton data-move="down" disabled={index === count - 1} onClick={() => onMove(index + 1)} aria-label={`Move rule ${index + 1} down`}>
              ↓ Down
            </SmallButton>
            <SmallButton onClick={onDuplicate} aria-label={`Duplicate rule ${index + 1}`}>
              Duplicate
            </SmallButton>
            <SmallButton onClick={onDelete} aria-label={`Delete rule ${index + 1}`} className="text-red-700 dark:text-red-300">
              Delete
            </SmallButton>
          </div>
        )}
      </header>
      <fieldset disabled={readOnly} className="min-w-0 space-y-4 p-3">
        <legend className="sr-only">Rule {index + 1}</legend>
        <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
          <EditorField label="Rule id" error={msg(["id"])} hint="Keep it when editing: decisions and rate counts name it.">
            {(aria) => <input {...aria} value={id} onChange={(e) => set(["id"], e.currentTarget.value)} spellCheck={false} className={`${SMALL_INPUT} font-mono`} />}
          </EditorField>
          <EditorField label="Description (optional)" error={msg(["description"])}>
            {(aria) => (
              <input {...aria} value={typeof r.description === "string" ? r.description : ""} onChange={(e) => set(["description"], e.currentTarget.value === "" ? undefined : e.currentTarget.value)} className={SMALL_INPUT} />
            )}
          </EditorField>
        </div>

        <fieldset>
          <legend className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Effect</legend>
          <div className="mt-1 flex gap-4 text-sm">
            {(["allow", "deny"] as const).map((e) => (
              <label key={e} className="flex items-center gap-1.5">
                <input type="radio" name={`${headingId}-effect`} value={e} checked={effect === e} onChange={() => set(["effect"], e)} />
                {e === "allow" ? "Allow" : "Deny"}
              </label>
            ))}
          </div>
          <FieldError id={`${headingId}-effect-error`} message={msg(["effect"])} />
        </fieldset>

        <div className="grid gap-3 sm:grid-cols-2">
          <PatternList
            label="Actions"
            itemLabel="action"
            values={asStrings(r.actions)}
            onChange={(v) => set(["actions"], v)}
            suggestions={suggestions.actions}
            placeholder="payments.transfer or payments.*"
            error={msg(["actions"], true)}
            readOnly={readOnly}
          />
          <PatternList
            label="Resources"
            itemLabel="resource"
            values={asStrings(r.resources)}
            onChange={(v) => set(["resources"], v)}
            suggestions={suggestions.resources}
            placeholder="accounts/*/payouts or **"
            error={msg(["resources"], true)}
            readOnly={readOnly}
          />
        </div>

        <fieldset className="min-w-0">
          <legend className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Conditions on parameters (all must hold)</legend>
          <FieldError id={`${headingId}-conditions-error`} message={msg(["conditions"])} />
          {conditions.length === 0 ? <p className="mt-1 text-xs italic text-zinc-600 dark:text-zinc-400">No conditions: any parameters.</p> : null}
          <ol className="mt-1 space-y-2">
            {conditions.map((c, ci) => {
              const cond = asObject(c);
              const operator = typeof cond.operator === "string" ? cond.operator : "";
              const cpath: Path = ["conditions", ci];
              return (
                <li key={ci} data-condition-index={ci} className="grid items-start gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800 md:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1.4fr)_auto]">
                  <EditorField label={`Field (condition ${ci + 1})`} error={msg([...cpath, "field"]) ?? msg(cpath)}>
                    {(aria) => (
                      <input
                        {...aria}
                        value={typeof cond.field === "string" ? cond.field : ""}
                        placeholder="params.amount"
                        spellCheck={false}
                        onChange={(e) => set([...cpath, "field"], e.currentTarget.value)}
                        className={`${SMALL_INPUT} font-mono`}
                      />
                    )}
                  </EditorField>
                  <EditorField label={`Operator (condition ${ci + 1})`} error={msg([...cpath, "operator"])}>
                    {(aria) => (
                      <select
                        {...aria}
                        value={operator}
                        onChange={(e) => {
                          const op = e.currentTarget.value;
                          set(cpath, { ...cond, operator: op, value: convertValue(cond.value, op) });
                        }}
                        className={SMALL_INPUT}
                      >
                        {(CONDITION_OPERATORS as readonly string[]).includes(operator) ? null : <option value={operator}>{operator || "(choose)"}</option>}
                        {CONDITION_OPERATORS.map((op) => (
                          <option key={op} value={op}>
                            {OPERATOR_LABELS[op] ?? op}
                          </option>
                        ))}
                      </select>
                    )}
                  </EditorField>
                  <ConditionValue label={`Value (condition ${ci + 1})`} operator={operator} value={cond.value ?? null} onChange={(v) => set([...cpath, "value"], v)} error={msg([...cpath, "value"], true)} />
                  <div className={`md:pt-5 ${readOnly ? "hidden" : ""}`}>
                    <SmallButton onClick={() => set(["conditions"], conditions.length === 1 ? undefined : conditions.filter((_, j) => j !== ci))} aria-label={`Remove condition ${ci + 1} of rule ${index + 1}`}>
                      Remove
                    </SmallButton>
                  </div>
                </li>
              );
            })}
          </ol>
          {readOnly ? null : (
            <SmallButton className="mt-2" onClick={() => set(["conditions"], [...conditions, { field: "params.", operator: "eq", value: "" }])}>
              + Add condition
            </SmallButton>
          )}
        </fieldset>

        <details open={time !== null || sources !== null || undefined} className="rounded-md border border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-2 py-1.5 text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Context: time windows and source addresses {time || sources ? "(set)" : "(none)"}
            {msg(["context"], true) ? <span className="ml-1 text-red-700 dark:text-red-300">⚠ has problems</span> : null}
          </summary>
          <div className="space-y-3 border-t border-zinc-200 p-2 dark:border-zinc-800">
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={time !== null}
                onChange={(e) => setContext("time", e.currentTarget.checked ? { timeZone: "UTC", windows: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }] } : undefined)}
              />
              Only within time windows
            </label>
            {time ? <TimeEditor time={time} issues={issues} path={[...base, "context", "time"]} onChange={(t) => setContext("time", t)} readOnly={readOnly} /> : null}
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={sources !== null} onChange={(e) => setContext("sourceAddresses", e.currentTarget.checked ? [] : undefined)} />
              Only from source address ranges
            </label>
            {sources !== null ? (
              <PatternList
                label="Source address ranges (CIDR)"
                itemLabel="address range"
                values={sources}
                onChange={(v) => setContext("sourceAddresses", v)}
                placeholder="192.0.2.0/24 or 2001:db8::/32"
                error={msg(["context", "sourceAddresses"], true)}
                readOnly={readOnly}
              />
            ) : null}
          </div>
        </details>

        <details open={rate !== null || msg(["rateLimit"], true) !== null || undefined} className="rounded-md border border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-2 py-1.5 text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Rate limit {rate ? `(${formatNumberish(rate.max)} per ${typeof rate.windowSeconds === "number" ? formatSeconds(rate.windowSeconds) : "?"})` : "(none)"}
          </summary>
          <div className="space-y-2 border-t border-zinc-200 p-2 dark:border-zinc-800">
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={rate !== null} onChange={(e) => set(["rateLimit"], e.currentTarget.checked ? { max: 100, windowSeconds: 3600 } : undefined)} />
              Limit how many intents this rule allows per machine
            </label>
            <FieldError id={`${headingId}-rate-error`} message={msg(["rateLimit"])} />
            {rate ? (
              <div className="grid gap-2 sm:grid-cols-2">
                <EditorField label="At most (intents)" error={msg(["rateLimit", "max"])}>
                  {(aria) => <BufferedInput {...aria} inputMode="numeric" value={rate.max} format={formatNumberish} parse={parseNumberish} onValue={(v) => set(["rateLimit", "max"], v)} className={SMALL_INPUT} />}
                </EditorField>
                <EditorField label="Per window (seconds)" error={msg(["rateLimit", "windowSeconds"])} hint={typeof rate.windowSeconds === "number" ? formatSeconds(rate.windowSeconds) : undefined}>
                  {(aria) => (
                    <BufferedInput {...aria} inputMode="numeric" value={rate.windowSeconds} format={formatNumberish} parse={parseNumberish} onValue={(v) => set(["rateLimit", "windowSeconds"], v)} className={SMALL_INPUT} />
                  )}
                </EditorField>
              </div>
            ) : null}
          </div>
        </details>

        <details open={approval !== null || msg(["approval"], true) !== null || undefined} className="rounded-md border border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-2 py-1.5 text-xs font-medium text-zinc-700 dark:text-zinc-300">Approval {approval ? "(required)" : "(none)"}</summary>
          <div className="space-y-2 border-t border-zinc-200 p-2 dark:border-zinc-800">
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={approval !== null} onChange={(e) => set(["approval"], e.currentTarget.checked ? { requirements: [{ approvers: 1 }], expiresInSeconds: 86400 } : undefined)} />
              Require approval
            </label>
            <FieldError id={`${headingId}-approval-error`} message={msg(["approval"])} />
            {approval ? <ApprovalEditor approval={approval} issues={issues} path={[...base, "approval"]} onChange={(a) => set(["approval"], a)} readOnly={readOnly} ruleNumber={index + 1} /> : null}
          </div>
        </details>
      </fieldset>
    </section>
  );
}

function TimeEditor({ time, issues, path, onChange, readOnly }: { time: JsonObject; issues: readonly PolicyIssue[]; path: Path; onChange: (t: Json) => void; readOnly: boolean }) {
  const zone = typeof time.timeZone === "string" ? time.timeZone : "";
  const windows = asArray(time.windows);
  const msg = (rel: Path, deep = false) => messageAt(issues, [...path, ...rel], deep);
  return (
    <div className="space-y-2 pl-5">
      <EditorField label="Time zone" error={msg(["timeZone"])}>
        {(aria) => (
          <select {...aria} value={zone} onChange={(e) => onChange(setIn(time, ["timeZone"], e.currentTarget.value))} className={SMALL_INPUT}>
            {timeZones(zone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </EditorField>
      <FieldError id={`${path.join("-")}-windows-error`} message={msg(["windows"])} />
      <ol className="space-y-2">
        {windows.map((w, wi) => {
          const win = asObject(w);
          const days = Array.isArray(win.days) ? asStrings(win.days) : null;
          return (
            <li key={wi} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
              <fieldset>
                <legend className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Window {wi + 1} days (none checked: every day)</legend>
                <div className="mt-1 flex flex-wrap gap-2 text-sm">
                  {WEEKDAYS.map((d) => (
                    <label key={d} className="flex items-center gap-1">
                      <input
                        type="checkbox"
                        checked={days?.includes(d) ?? false}
                        onChange={(e) => {
                          const next = e.currentTarget.checked ? WEEKDAYS.filter((x) => x === d || days?.includes(x)) : (days ?? []).filter((x) => x !== d);
                          onChange(setIn(time, ["windows", wi, "days"], next.length ? next : undefined));
                        }}
                      />
                      {DAY_LABELS[d]}
                    </label>
                  ))}
                </div>
                <FieldError id={`${path.join("-")}-${wi}-days`} message={msg(["windows", wi, "days"], true) ?? msg(["windows", wi])} />
              </fieldset>
              <div className="mt-2 grid gap-2 sm:grid-cols-[1fr_1fr_auto]">
                <EditorField label={`Window ${wi + 1} from (HH:MM)`} error={msg(["windows", wi, "from"])}>
                  {(aria) => <input {...aria} value={typeof win.from === "string" ? win.from : ""} placeholder="09:00" onChange={(e) => onChange(setIn(time, ["windows", wi, "from"], e.currentTarget.value))} className={`${SMALL_INPUT} font-mono`} />}
                </EditorField>
                <EditorField label={`Window ${wi + 1} to (HH:MM, 24:00 ok)`} error={msg(["windows", wi, "to"])}>
                  {(aria) => <input {...aria} value={typeof win.to === "string" ? win.to : ""} placeholder="17:00" onChange={(e) => onChange(setIn(time, ["windows", wi, "to"], e.currentTarget.value))} className={`${SMALL_INPUT} font-mono`} />}
                </EditorField>
                {readOnly ? null : (
                  <div className="sm:pt-5">
                    <SmallButton onClick={() => onChange(setIn(time, ["windows", wi], undefined))} aria-label={`Remove window ${wi + 1}`}>
                      Remove
                    </SmallButton>
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {readOnly ? null : <SmallButton onClick={() => onChange(setIn(time, ["windows", windows.length], { from: "09:00", to: "17:00" }))}>+ Add window</SmallButton>}
    </div>
  );
}

function ApprovalEditor({ approval, issues, path, onChange, readOnly, ruleNumber }: { approval: JsonObject; issues: readonly PolicyIssue[]; path: Path; onChange: (a: Json) => void; readOnly: boolean; ruleNumber: number }) {
  const reqs = asArray(approval.requirements);
  const msg = (rel: Path, deep = false) => messageAt(issues, [...path, ...rel], deep);
  const exec = approval.executionWindowSeconds;
  return (
    <div className="space-y-2 pl-5">
      <FieldError id={`${path.join("-")}-reqs`} message={msg(["requirements"])} />
      <ol className="space-y-2" aria-label={`Approval requirements of rule ${ruleNumber}`}>
        {reqs.map((q, qi) => {
          const req = asObject(q);
          return (
            <li key={qi} className="grid items-start gap-2 sm:grid-cols-[8rem_1fr_auto]">
              <EditorField label={`Approvers (requirement ${qi + 1})`} error={msg(["requirements", qi, "approvers"]) ?? msg(["requirements", qi])}>
                {(aria) => (
                  <BufferedInput {...aria} inputMode="numeric" value={req.approvers} format={formatNumberish} parse={parseNumberish} onValue={(v) => onChange(setIn(approval, ["requirements", qi, "approvers"], v))} className={SMALL_INPUT} />
                )}
              </EditorField>
              <EditorField label={`Team (requirement ${qi + 1}, optional)`} error={msg(["requirements", qi, "team"])} hint="Empty: any operator holding approver.">
                {(aria) => (
                  <input
                    {...aria}
                    value={typeof req.team === "string" ? req.team : ""}
                    onChange={(e) => onChange(setIn(approval, ["requirements", qi, "team"], e.currentTarget.value === "" ? undefined : e.currentTarget.value))}
                    className={SMALL_INPUT}
                  />
                )}
              </EditorField>
              {readOnly ? null : (
                <div className="sm:pt-5">
                  <SmallButton onClick={() => onChange(setIn(approval, ["requirements", qi], undefined))} aria-label={`Remove requirement ${qi + 1}`}>
                    Remove
                  </SmallButton>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {readOnly ? null : <SmallButton onClick={() => onChange(setIn(approval, ["requirements", reqs.length], { approvers: 1 }))}>+ Add requirement</SmallButton>}
      <div className="grid gap-2 sm:grid-cols-2">
        <EditorField label="Expires after (seconds)" error={msg(["expiresInSeconds"])} hint={typeof approval.expiresInSeconds === "number" ? formatSeconds(approval.expiresInSeconds) : "60 s to 31 days"}>
          {(aria) => (
            <BufferedInput {...aria} inputMode="numeric" value={approval.expiresInSeconds} format={formatNumberish} parse={parseNumberish} onValue={(v) => onChange(setIn(approval, ["expiresInSeconds"], v))} className={SMALL_INPUT} />
          )}
        </EditorField>
        <EditorField label="Execution window (seconds, optional)" error={msg(["executionWindowSeconds"])} hint={typeof exec === "number" ? `${formatSeconds(exec)} after the last approval` : "Empty: 10 minutes after the last approval (the server's default)"}>
          {(aria) => (
            <BufferedInput
              {...aria}
              inputMode="numeric"
              value={exec ?? ""}
              format={formatNumberish}
              parse={parseNumberish}
              onValue={(v) => onChange(setIn(approval, ["executionWindowSeconds"], v === "" ? undefined : v))}
              className={SMALL_INPUT}
            />
          )}
        </EditorField>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={approval.allowOwnerApproval === true} onChange={(e) => onChange(setIn(approval, ["allowOwnerApproval"], e.currentTarget.checked ? true : undefined))} />
        Let the operator who owns the machine approve too
      </label>
      <FieldError id={`${path.join("-")}-owner`} message={msg(["allowOwnerApproval"])} />
    </div>
  );
}
