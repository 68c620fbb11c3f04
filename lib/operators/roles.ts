/**
 * Operator roles. An operator holds one or more; what each role may do is decided in one place,
 * permissions.ts, never by comparing role names elsewhere.
 */
export const ROLES = ["admin", "editor", "approver", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Manages operators, invitations, teams and settings.",
  editor: "Enrolls and manages machines; writes policies.",
  approver: "Approves or rejects intents that wait for a human.",
  auditor: "Reads everything, changes nothing.",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Roles in catalog order, without duplicates: one spelling for the same set. */
export function normalizeRoles(roles: Iterable<Role>): Role[] {
  const set = new Set(roles);
  return ROLES.filter((r) => set.has(r));
}

/** Parses the JSON column; unknown names are dropped rather than granting anything. */
export function parseRoles(json: string): Role[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? normalizeRoles(value.filter(isRole)) : [];
  } catch {
    return [];
  }
}

export function serializeRoles(roles: Iterable<Role>): string {
  return JSON.stringify(normalizeRoles(roles));
}
