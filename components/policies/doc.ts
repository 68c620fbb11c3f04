/**
 * The editor's working copy of a policy document and the small pure helpers around it.
 *
 * The working copy is whatever JSON the operator last wrote (through the cards or the JSON
 * view): it may fail validation, so every reader here is defensive (a field of the wrong type
 * reads as empty) and the cards never crash on a half-written document. Edits copy the path
 * they change and keep everything else, including members the cards do not know about (they
 * show up as validation issues instead of being silently dropped).
 */
import { parseJsonWithPosition } from "@/lib/json-position";
import { POLICY_FORMAT, type PolicyIssue } from "@/lib/policies";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = (string | number)[];

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

export function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function getIn(value: unknown, path: Path): unknown {
  let at: unknown = value;
  for (const step of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/**
 * A copy of `root` with `path` set to `value` (`undefined` removes the member, or the element
 * of an array). Missing containers on the way are created (objects, or arrays for numeric steps).
 */
export function setIn(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const [step, ...rest] = path as [string | number, ...Path];
  if (typeof step === "number") {
    const copy = Array.isArray(root) ? [...root] : [];
    if (rest.length === 0 && value === undefined) {
      copy.splice(step, 1);
      return copy;
    }
    copy[step] = setIn(copy[step] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
    return copy;
  }
  const copy: JsonObject = isObject(root) ? { ...root } : {};
  if (rest.length === 0) {
    if (value === undefined) delete copy[step];
    else copy[step] = value;
    return copy;
  }
  copy[step] = setIn(copy[step] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  return copy;
}

/** A new, valid document: every machine, no rules (so default deny until rules are added). */
export function emptyDocument(name: string, description?: string): JsonObject {
  const doc: JsonObject = { format: POLICY_FORMAT, name: name || "Untitled policy", targets: { all: true }, rules: [] };
  if (description) doc.description = description;
  return doc;
}

/** A rule id not used yet in the document: `base`, `base-2`, `base-3`… */
export function freshRuleId(rules: readonly Json[], base = "rule"): string {
  const used = new Set(rules.map((r) => (isObject(r) && typeof r.id === "string" ? r.id : "")));
  const stem = base.slice(0, 56) || "rule";
  if (!used.has(stem)) return stem;
  for (let n = 2; ; n++) if (!used.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

export function newRule(rules: readonly Json[]): JsonObject {
  return { id: freshRuleId(rules, `rule-${rules.length + 1}`), effect: "allow", actions: [], resources: ["**"] };
}

/** A copy of the rule under a new id (`<id>-copy`), so decisions and rate counts never mix the two. */
export function duplicateRule(rules: readonly Json[], index: number): JsonObject {
  const rule = asObject(rules[index]);
  const copy = structuredClone(rule);
  copy.id = freshRuleId(rules, `${typeof rule.id === "string" && rule.id ? rule.id : "rule"}-copy`);
  return copy;
}

export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  if (to < 0 || to >= copy.length) return copy;
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * `<policy-name>.policy.json`, with the characters file systems refuse (/ \\ : * ? " < > | and
 * control characters) replaced by "-"; "policy" when nothing is left.
 */
export function exportFileName(name: string): string {
  const safe = name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, "-")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s-]+|[.\s]+$/g, "")
    .slice(0, 100)
    .trim();
  return `${safe || "policy"}.policy.json`;
}

/** Keys sorted at every level: the same document always prints the same lines (for diffs). */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}

export interface JsonProblem {
  message: string;
  line: number;
  column: number;
  offset: number;
}

/** JSON.parse, with the first error's place as line and column (lib/json-position.ts). */
export function parseJson(text: string): { ok: true; value: Json } | { ok: false; problem: JsonProblem } {
  const parsed = parseJsonWithPosition(text);
  if (parsed.ok) return { ok: true, value: parsed.value as Json };
  const { message, line, column, offset } = parsed;
  return { ok: false, problem: { message, line, column, offset } };
}

/** Issues exactly at `path`, or (with `deep`) at it or anywhere below it. */
export function issuesAt(issues: readonly PolicyIssue[], path: Path, deep = false): PolicyIssue[] {
  return issues.filter((issue) => {
    if (deep ? issue.path.length < path.length : issue.path.length !== path.length) return false;
    return path.every((step, i) => issue.path[i] === step);
  });
}

/** The messages at `path` (and below, with `deep`) as one string, or null. */
export function messageAt(issues: readonly PolicyIssue[], path: Path, deep = false): string | null {
  const found = issuesAt(issues, path, deep);
  return found.length ? [...new Set(found.map((i) => i.message))].join(" ") : null;
}

/** "2 hours" style durations for seconds fields. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, word] of units) if (seconds >= size && seconds % size === 0) return `${seconds / size} ${word}${seconds / size === 1 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
