/**
 * Policies and their versions as the rest of PTERI sees them: stored JSON parsed, and the
 * text rules for what people type (names, descriptions, change notes), shared by the store
 * and the API.
 */
import type { Policy as PolicyRow, PolicyVersion as VersionRow } from "../../db/generated/client";
import { POLICY_FORMAT, POLICY_LIMITS, type PolicyDocument } from "../schema";
import { PolicyError } from "./errors";

export const NOTE_MAX = 500;

export interface PolicyRecord {
  id: string;
  name: string;
  description: string;
  /** The document being edited (any JSON, possibly invalid), or null: no unsaved changes. */
  draft: unknown;
  draftUpdatedAt: Date | null;
  draftUpdatedById: string | null;
  /** The version in force; 0 = never published. */
  latestVersion: number;
  createdAt: Date;
  createdById: string;
  updatedAt: Date;
}

export interface VersionRecord {
  policyId: string;
  version: number;
  /** Valid when it was published (compilePolicies validates it again before use). */
  document: PolicyDocument;
  digest: string;
  note: string;
  authorId: string;
  createdAt: Date;
  rolledBackFrom: number | null;
}

export type VersionSummaryRecord = Omit<VersionRecord, "document">;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Stored text is always JSON (the store writes it); a hand-edited row reads as a string.
    return text;
  }
}

export function policyFromRow(row: PolicyRow): PolicyRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    draft: parseJson(row.draft),
    draftUpdatedAt: row.draftUpdatedAt,
    draftUpdatedById: row.draftUpdatedById,
    latestVersion: row.latestVersion,
    createdAt: row.createdAt,
    createdById: row.createdById,
    updatedAt: row.updatedAt,
  };
}

export function versionSummaryFromRow(row: Omit<VersionRow, "id" | "document">): VersionSummaryRecord {
  return {
    policyId: row.policyId,
    version: row.version,
    digest: row.digest,
    note: row.note,
    authorId: row.authorId,
    createdAt: row.createdAt,
    rolledBackFrom: row.rolledBackFrom,
  };
}

export function versionFromRow(row: Omit<VersionRow, "id">): VersionRecord {
  return { ...versionSummaryFromRow(row), document: parseJson(row.document) as PolicyDocument };
}

const CONTROL_RE = /\p{Cc}/u;

/** A policy name: trimmed, 1 to 100 characters, one line (the document's `name` rule). */
export function validatePolicyName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim() : "";
  if (name.length === 0) throw new PolicyError("name_invalid", "A policy needs a name.");
  if (name.length > POLICY_LIMITS.nameLength) throw new PolicyError("name_invalid", `A policy name can be at most ${POLICY_LIMITS.nameLength} characters.`);
  if (CONTROL_RE.test(name)) throw new PolicyError("name_invalid", "A policy name must be one line without control characters.");
  return name;
}

/** Free text (a description): trimmed, bounded, no control characters but newlines and tabs. */
function validateText(raw: unknown, max: number, what: string, code: "field_invalid" | "note_invalid"): string {
  if (raw !== undefined && raw !== null && typeof raw !== "string") throw new PolicyError(code, `${what} must be text.`);
  const text = (raw ?? "").trim();
  if (text.length > max) throw new PolicyError(code, `${what} can be at most ${max} characters.`);
  if (CONTROL_RE.test(text.replace(/[\n\t]/g, ""))) throw new PolicyError(code, `${what} cannot contain control characters.`);
  return text;
}

export function validateDescription(raw: unknown): string {
  return validateText(raw, POLICY_LIMITS.descriptionLength, "A description", "field_invalid");
}

/** The required change note of a publication or rollback: 1 to 500 characters. */
export function validateNote(raw: unknown): string {
  const note = validateText(raw, NOTE_MAX, "The change note", "note_invalid");
  if (note.length === 0) throw new PolicyError("note_invalid", "Say what changed and why in the change note (1 to 500 characters); it is kept with the version and in the audit log.");
  return note;
}

/** What a new policy starts with: valid, targeting every machine, with no rules (so it decides nothing). */
export function emptyPolicyDocument(name: string, description: string): PolicyDocument {
  return { format: POLICY_FORMAT, name, ...(description ? { description } : {}), targets: { all: true }, rules: [] };
}
