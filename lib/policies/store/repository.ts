/**
 * Storing policies: creation, drafts, publishing and rollback, and the reads the Console and
 * the intents service need. Reads take any client (a Db or a transaction); changes take a
 * WriteTx, so that a publication commits together with its audit entry (with the full
 * document) or not at all.
 *
 * Versions: publishing and rollback read the policy inside the write transaction, whose first
 * statement took the database-wide write lock, insert version latestVersion + 1 (unique per
 * policy in the database) and move latestVersion with a conditional update. Two publications
 * of the same policy at once therefore become N + 1 and N + 2, in the order they took the
 * lock; neither is lost and no number is used twice. Versions are immutable: the database
 * refuses UPDATE and DELETE on them (triggers in the policies migration).
 */
import type { AuditActor } from "../../audit/entry";
import { recordAuditEvent } from "../../audit/log";
import type { Tx } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import type { WriteTx } from "../../db/transaction";
import type { PublishedPolicy } from "../compile";
import { policyDigest } from "../digest";
import type { PolicyDocument } from "../schema";
import { validatePolicy, type PolicyIssue } from "../validate";
import { PolicyError } from "./errors";
import { POLICY_EVENTS } from "./events";
import {
  emptyPolicyDocument,
  policyFromRow,
  validateDescription,
  validateNote,
  validatePolicyName,
  versionFromRow,
  versionSummaryFromRow,
  type PolicyRecord,
  type VersionRecord,
  type VersionSummaryRecord,
} from "./model";

type Reader = Pick<Tx, "policy" | "policyVersion">;

/** The longest draft the store keeps (JSON text). */
export const MAX_DRAFT_CHARS = 1024 * 1024;

const SUMMARY_NOTE = 200;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export async function findPolicy(db: Reader, id: string): Promise<PolicyRecord | null> {
  const row = await db.policy.findUnique({ where: { id } });
  return row ? policyFromRow(row) : null;
}

/** The policy, or a not_found PolicyError naming the id. */
export async function requirePolicy(db: Reader, id: string): Promise<PolicyRecord> {
  const policy = await findPolicy(db, id);
  if (!policy) throw new PolicyError("not_found", `No policy has the id ${JSON.stringify(id.slice(0, 64))}.`);
  return policy;
}

export interface PolicyListEntry extends PolicyRecord {
  /** When the version in force was published; null when never published. */
  publishedAt: Date | null;
}

/** Every policy, by name, with when its version in force was published. */
export async function listPolicies(db: Reader): Promise<PolicyListEntry[]> {
  const rows = await db.policy.findMany({
    orderBy: { name: "asc" },
    include: { versions: { orderBy: { version: "desc" }, take: 1, select: { createdAt: true } } },
  });
  return rows.map(({ versions, ...row }) => ({ ...policyFromRow(row), publishedAt: versions[0]?.createdAt ?? null }));
}

/** A policy's versions, newest first, without their documents. */
export async function listVersions(db: Reader, policyId: string): Promise<VersionSummaryRecord[]> {
  const rows = await db.policyVersion.findMany({
    where: { policyId },
    orderBy: { version: "desc" },
    select: { policyId: true, version: true, digest: true, note: true, authorId: true, createdAt: true, rolledBackFrom: true },
  });
  return rows.map(versionSummaryFromRow);
}

export async function findVersion(db: Reader, policyId: string, version: number): Promise<VersionRecord | null> {
  if (!Number.isSafeInteger(version) || version < 1) return null;
  const row = await db.policyVersion.findUnique({ where: { policyId_version: { policyId, version } } });
  return row ? versionFromRow(row) : null;
}

export async function requireVersion(db: Reader, policyId: string, version: number): Promise<VersionRecord> {
  const found = await findVersion(db, policyId, version);
  if (!found) throw new PolicyError("version_not_found", `This policy has no version ${Number.isSafeInteger(version) ? version : JSON.stringify(String(version).slice(0, 20))}.`);
  return found;
}

/**
 * The published set in force: the latest version of every policy that has one, in policy
 * name order, for compilePolicies. compilePolicies validates each document again, so a
 * stored document that no longer validates fails closed there.
 */
export async function publishedPolicies(db: Reader): Promise<PublishedPolicy[]> {
  const rows = await db.policy.findMany({
    where: { latestVersion: { gt: 0 } },
    orderBy: { name: "asc" },
    select: { id: true, versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, document: true } } },
  });
  return rows.flatMap((row) => {
    const latest = row.versions[0];
    return latest ? [{ id: row.id, version: latest.version, document: JSON.parse(latest.document) as PolicyDocument }] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

async function ensureNameFree(tx: WriteTx, name: string, exceptId?: string): Promise<void> {
  const other = await tx.policy.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId) throw new PolicyError("name_taken", `Another policy is already named "${name}"; policy names are unique, so choose another one.`);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export interface NewPolicyInput {
  name: unknown;
  description?: unknown;
}

/** Creates a policy, never published, whose draft is a valid document with no rules. */
export async function createPolicy(tx: WriteTx, actor: AuditActor, input: NewPolicyInput, now = new Date()): Promise<PolicyRecord> {
  const name = validatePolicyName(input.name);
  const description = validateDescription(input.description);
  await ensureNameFree(tx, name);
  const draft = emptyPolicyDocument(name, description);
  let row;
  try {
    row = await tx.policy.create({
      data: { name, description, draft: JSON.stringify(draft), draftUpdatedAt: now, draftUpdatedById: actor.id, createdAt: now, createdById: actor.id, updatedAt: now },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PolicyError("name_taken", `Another policy is already named "${name}"; policy names are unique, so choose another one.`);
    throw error;
  }
  await recordAuditEvent(tx, {
    type: POLICY_EVENTS.created,
    actor,
    summary: `Policy "${name}" created (not published).`,
    evidence: { policyId: row.id, name, description },
    time: now,
  });
  return policyFromRow(row);
}

export interface SavedDraft {
  draftUpdatedAt: Date;
  /** The draft's validation problems; empty when it could be published as it is. */
  issues: PolicyIssue[];
}

export interface SaveDraftOptions {
  /**
   * The draftUpdatedAt the editor started from (ISO string), or null for "there was no draft":
   * when the stored draft's differs, someone else saved (or published, or discarded) meanwhile
   * and the save is refused with a `conflict` that names who and when, changing nothing.
   * Left out: no check (last write wins).
   */
  baseDraftUpdatedAt?: unknown;
}

/** The base an editor sent: undefined (no check), null (no draft) or a time. */
function parseBase(value: unknown): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new PolicyError("field_invalid", "baseDraftUpdatedAt must be the draftUpdatedAt you loaded (an ISO time such as 2026-12-04T23:40:54.123Z) or null when there was no draft.");
  }
  return date;
}

/** The conflict PolicyError of a draft saved by someone else since `base`. */
async function draftConflict(tx: WriteTx, policy: PolicyRecord, base: Date | null): Promise<PolicyError> {
  const current = policy.draftUpdatedAt;
  const by = policy.draftUpdatedById ? await tx.operator.findUnique({ where: { id: policy.draftUpdatedById }, select: { id: true, name: true } }) : null;
  const who = by ? `by ${by.name}` : "by someone else";
  const started = base ? `the draft saved at ${base.toISOString()}` : "no draft";
  const now = current
    ? `it was saved ${who} at ${current.toISOString()}`
    : policy.latestVersion > 0
      ? `it was published or discarded meanwhile, so version ${policy.latestVersion} is what is in force and there is no draft`
      : "it was discarded meanwhile";
  return new PolicyError(
    "conflict",
    `The draft of "${policy.name}" was changed by someone else since you opened it: you started from ${started}, and ${now}. Nothing was saved. Load their version, or save yours again over it.`,
    undefined,
    { draftUpdatedAt: current ? current.toISOString() : null, draftUpdatedBy: by ? { id: by.id, name: by.name } : policy.draftUpdatedById ? { id: policy.draftUpdatedById, name: null } : null },
  );
}

/**
 * Saves the document being edited, valid or not (an editor saves work in progress), and
 * returns its problems. Not audited: a draft is not in force.
 *
 * With `baseDraftUpdatedAt`, two editors cannot silently overwrite each other: the write
 * transaction holds the database-wide write lock, so the comparison and the update see the
 * same row, and the update is conditional on it as a tripwire. Each save's draftUpdatedAt is
 * strictly later than the one it replaces, so a base names one saved draft.
 */
export async function saveDraft(tx: WriteTx, actor: AuditActor, id: string, document: unknown, now = new Date(), options: SaveDraftOptions = {}): Promise<SavedDraft> {
  const policy = await requirePolicy(tx, id);
  if (document === undefined) throw new PolicyError("field_invalid", "Send the draft as { document }.");
  const base = parseBase(options.baseDraftUpdatedAt);
  const stored = policy.draftUpdatedAt;
  if (base !== undefined && (base === null ? stored !== null : stored === null || stored.getTime() !== base.getTime())) throw await draftConflict(tx, policy, base);
  const text = JSON.stringify(document);
  if (text.length > MAX_DRAFT_CHARS) throw new PolicyError("field_invalid", `A draft can be at most ${MAX_DRAFT_CHARS / 1024} KiB of JSON.`);
  const at = stored && now.getTime() <= stored.getTime() ? new Date(stored.getTime() + 1) : now;
  const { count } = await tx.policy.updateMany({ where: { id, draftUpdatedAt: stored }, data: { draft: text, draftUpdatedAt: at, draftUpdatedById: actor.id } });
  if (count !== 1) throw await draftConflict(tx, (await requirePolicy(tx, id)), base ?? stored);
  const validation = validatePolicy(document);
  return { draftUpdatedAt: at, issues: validation.ok ? [] : validation.issues };
}

/**
 * Discards the unsaved changes. A policy that was never published has nothing else to show,
 * so its draft goes back to the empty document instead.
 */
export async function discardDraft(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<PolicyRecord> {
  const policy = await requirePolicy(tx, id);
  const data =
    policy.latestVersion === 0
      ? { draft: JSON.stringify(emptyPolicyDocument(policy.name, policy.description)), draftUpdatedAt: now, draftUpdatedById: actor.id }
      : { draft: null, draftUpdatedAt: null, draftUpdatedById: null };
  return policyFromRow(await tx.policy.update({ where: { id }, data }));
}

export interface PublishInput {
  note?: unknown;
  /** The document to publish; left out: the saved draft. */
  document?: unknown;
}

function invalid(issues: PolicyIssue[], what: string): PolicyError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new PolicyError("policy_invalid", `${what} is not valid, so nothing was published and the version in force stays: ${first ? `${first.at}: ${first.message}` : "invalid"}${more}`, issues);
}

/**
 * Publishes the draft (or the given document) as the next version, with its change note,
 * and records it in the audit log with the full document. A document that fails validation
 * is never published: policy_invalid with every issue, and nothing changes.
 */
export async function publishPolicy(tx: WriteTx, actor: AuditActor, id: string, input: PublishInput, now = new Date()): Promise<VersionRecord> {
  const policy = await requirePolicy(tx, id);
  const note = validateNote(input.note);
  const fromDraft = input.document === undefined;
  const source = fromDraft ? policy.draft : input.document;
  if (source === null || source === undefined) {
    throw new PolicyError("nothing_to_publish", `Policy "${policy.name}" has no unsaved changes: version ${policy.latestVersion} is already in force. Edit and save a draft first.`);
  }
  const validation = validatePolicy(source);
  if (!validation.ok) throw invalid(validation.issues, fromDraft ? "The draft" : "The document");
  const document = validation.document;
  const digest = policyDigest(document);
  // The draft is what was published (or has the same rules): nothing is left unsaved.
  const draftCheck = fromDraft ? null : validatePolicy(policy.draft);
  const clearDraft = fromDraft || (draftCheck?.ok === true && policyDigest(draftCheck.document) === digest);
  return commitVersion(tx, actor, policy, { document, digest, note, rolledBackFrom: null, clearDraft }, now);
}

export interface RollbackInput {
  version: unknown;
  note?: unknown;
}

/**
 * Republishes an older version's document as a new version (rolledBackFrom names it), with
 * a change note, audited with the full document. The draft, if any, is kept.
 */
export async function rollbackPolicy(tx: WriteTx, actor: AuditActor, id: string, input: RollbackInput, now = new Date()): Promise<VersionRecord> {
  const policy = await requirePolicy(tx, id);
  const target = typeof input.version === "number" ? input.version : Number.NaN;
  if (!Number.isSafeInteger(target) || target < 1) throw new PolicyError("field_invalid", "Name the version to roll back to as a whole number (1, 2, …).");
  const note = validateNote(input.note);
  const old = await requireVersion(tx, id, target);
  if (target === policy.latestVersion) throw new PolicyError("version_in_force", `Version ${target} of "${policy.name}" is the version in force; roll back to an earlier one.`);
  const validation = validatePolicy(old.document);
  if (!validation.ok) throw invalid(validation.issues, `Version ${target}`);
  return commitVersion(tx, actor, policy, { document: validation.document, digest: policyDigest(validation.document), note, rolledBackFrom: target, clearDraft: false }, now);
}

interface NewVersion {
  document: PolicyDocument;
  digest: string;
  note: string;
  rolledBackFrom: number | null;
  clearDraft: boolean;
}

async function commitVersion(tx: WriteTx, actor: AuditActor, policy: PolicyRecord, next: NewVersion, now: Date): Promise<VersionRecord> {
  const { document, digest, note, rolledBackFrom } = next;
  const version = policy.latestVersion + 1;
  // The policy's name and description follow the document in force.
  const name = document.name;
  const description = document.description ?? "";
  if (name !== policy.name) await ensureNameFree(tx, name, policy.id);
  const row = await tx.policyVersion.create({
    data: { policyId: policy.id, version, document: JSON.stringify(document), digest, note, authorId: actor.id, createdAt: now, rolledBackFrom },
  });
  // Under the write lock nobody else can have moved latestVersion: this is a tripwire.
  const { count } = await tx.policy.updateMany({
    where: { id: policy.id, latestVersion: policy.latestVersion },
    data: { latestVersion: version, name, description, ...(next.clearDraft ? { draft: null, draftUpdatedAt: null, draftUpdatedById: null } : {}) },
  });
  if (count !== 1) throw new PolicyError("conflict", `Policy "${policy.name}" was published by someone else meanwhile; reload it and try again.`);
  const rollback = rolledBackFrom !== null;
  await recordAuditEvent(tx, {
    type: rollback ? POLICY_EVENTS.rolledBack : POLICY_EVENTS.published,
    actor,
    subjects: { policyVersion: `${policy.id}@${version}` },
    summary: rollback
      ? `Policy "${name}" rolled back to version ${rolledBackFrom} as version ${version}: ${clip(note, SUMMARY_NOTE)}`
      : `Policy "${name}" version ${version} published: ${clip(note, SUMMARY_NOTE)}`,
    evidence: {
      policyId: policy.id,
      name,
      version,
      previousVersion: policy.latestVersion,
      ...(rollback ? { rolledBackFrom } : {}),
      digest,
      note,
      author: actor.id,
      document,
    },
    time: now,
  });
  return versionFromRow(row);
}
