/**
 * Policies and versions as the Console's JSON API shows them: dates as ISO strings, authors
 * named. The browser code types these shapes from here (type imports only: this module
 * imports nothing that runs on the server).
 */
import type { PolicyDocument } from "../schema";
import type { DecisionKind } from "../evaluate";
import type { PolicyListEntry } from "./repository";
import type { PolicyRecord, VersionRecord, VersionSummaryRecord } from "./model";

export interface PolicyAuthor {
  id: string;
  /** The operator's name; null when the id names no operator. */
  name: string | null;
}

export interface VersionSummary {
  version: number;
  digest: string;
  note: string;
  author: PolicyAuthor;
  createdAt: string;
  /** The older version this one republished (rollback), or null. */
  rolledBackFrom: number | null;
}

export interface VersionView extends VersionSummary {
  document: PolicyDocument;
}

export interface PolicyListItem {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  hasDraft: boolean;
  updatedAt: string;
  publishedAt: string | null;
}

export interface PolicyDetail {
  id: string;
  name: string;
  description: string;
  /** 0 = never published. */
  latestVersion: number;
  /** The document being edited (any JSON, possibly invalid), or null: no unsaved changes. */
  draft: unknown;
  draftUpdatedAt: string | null;
  published: VersionView | null;
  /** Newest first. */
  versions: VersionSummary[];
}

export interface ApplicablePolicy {
  id: string;
  name: string;
  version: number;
}

export interface ImpactChange {
  intentId: string;
  machine: { id: string; name: string };
  action: string;
  resource: string;
  before: DecisionKind;
  after: DecisionKind;
}

export interface ImpactPreview {
  /** How many recorded intents were replayed. */
  evaluated: number;
  /** The intents whose decision would change, oldest first. */
  changed: ImpactChange[];
  source: "intents";
  /** Present when there was nothing to replay, or the replay was cut short. */
  note?: string;
}

export interface PolicySuggestions {
  actions: string[];
  resources: string[];
}

export function versionSummaryView(version: VersionSummaryRecord, names: ReadonlyMap<string, string>): VersionSummary {
  return {
    version: version.version,
    digest: version.digest,
    note: version.note,
    author: { id: version.authorId, name: names.get(version.authorId) ?? null },
    createdAt: version.createdAt.toISOString(),
    rolledBackFrom: version.rolledBackFrom,
  };
}

export function versionView(version: VersionRecord, names: ReadonlyMap<string, string>): VersionView {
  return { ...versionSummaryView(version, names), document: version.document };
}

export function policyListItem(entry: PolicyListEntry): PolicyListItem {
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    latestVersion: entry.latestVersion,
    hasDraft: entry.draft !== null,
    updatedAt: entry.updatedAt.toISOString(),
    publishedAt: entry.publishedAt ? entry.publishedAt.toISOString() : null,
  };
}

export function policyDetailView(policy: PolicyRecord, published: VersionRecord | null, versions: readonly VersionSummaryRecord[], names: ReadonlyMap<string, string>): PolicyDetail {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    latestVersion: policy.latestVersion,
    draft: policy.draft,
    draftUpdatedAt: policy.draftUpdatedAt ? policy.draftUpdatedAt.toISOString() : null,
    published: published ? versionView(published, names) : null,
    versions: versions.map((v) => versionSummaryView(v, names)),
  };
}
