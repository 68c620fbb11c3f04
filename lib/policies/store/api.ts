/**
 * Loading what the Console's policy pages and API show, with author names resolved in one
 * query per response. Shared by route handlers and server components.
 */
import type { Db, Tx } from "../../db/client";
import { listPolicies, listVersions, requirePolicy, requireVersion, findVersion } from "./repository";
import type { VersionRecord } from "./model";
import { policyDetailView, policyListItem, versionView, type PolicyDetail, type PolicyListItem, type VersionView } from "./view";

/** Operator names by id, in one query. */
export async function operatorNames(db: Pick<Db | Tx, "operator">, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.operator.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The policy's name, or null when no policy has this id (the policy page answers 404). */
export async function policyName(db: Db, id: string): Promise<string | null> {
  if (id.length === 0 || id.length > 200) return null;
  return (await db.policy.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
}

export async function policyList(db: Db): Promise<PolicyListItem[]> {
  return (await listPolicies(db)).map(policyListItem);
}

export async function policyDetail(db: Db, id: string): Promise<PolicyDetail> {
  const policy = await requirePolicy(db, id);
  const [versions, published] = await Promise.all([listVersions(db, id), policy.latestVersion > 0 ? findVersion(db, id, policy.latestVersion) : Promise.resolve(null)]);
  const names = await operatorNames(db, versions.map((v) => v.authorId));
  return policyDetailView(policy, published, versions, names);
}

export async function versionDetail(db: Db, id: string, version: number): Promise<VersionView> {
  await requirePolicy(db, id);
  return versionViews(db, [await requireVersion(db, id, version)]).then((views) => views[0]!);
}

export async function versionViews(db: Db, versions: readonly VersionRecord[]): Promise<VersionView[]> {
  const names = await operatorNames(db, versions.map((v) => v.authorId));
  return versions.map((v) => versionView(v, names));
}
