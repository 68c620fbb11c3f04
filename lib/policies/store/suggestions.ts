/**
 * What the editor's action and resource pickers suggest: what machines have asked for
 * (recorded intents of the last 30 days, most recent first) and then the patterns already
 * written in published versions and drafts (alphabetically). Drafts may be invalid, so they
 * are read leniently: any string in a rule's actions or resources.
 */
import type { Db } from "../../db/client";
import { intentSuggestions } from "../../intents/recorded";
import type { PolicySuggestions } from "./view";

const DAYS = 30;
const MAX = 1000;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 512) : [];
}

function collect(document: unknown, actions: Set<string>, resources: Set<string>): void {
  if (document === null || typeof document !== "object") return;
  const rules = (document as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (rule === null || typeof rule !== "object") continue;
    for (const a of strings((rule as { actions?: unknown }).actions)) actions.add(a);
    for (const r of strings((rule as { resources?: unknown }).resources)) resources.add(r);
  }
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export async function policySuggestions(db: Db, now = new Date()): Promise<PolicySuggestions> {
  const asked = await intentSuggestions(db, { now, since: new Date(now.getTime() - DAYS * 86_400_000), limit: MAX });
  const actions = new Set<string>();
  const resources = new Set<string>();
  const rows = await db.policy.findMany({
    select: { draft: true, versions: { orderBy: { version: "desc" }, take: 1, select: { document: true } } },
  });
  for (const row of rows) {
    collect(parse(row.draft), actions, resources);
    collect(parse(row.versions[0]?.document ?? null), actions, resources);
  }
  const merged = (first: string[], written: Set<string>) => [...new Set([...first, ...[...written].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))])].slice(0, MAX);
  return { actions: merged(asked.actions, actions), resources: merged(asked.resources, resources) };
}
