/**
 * The one permission catalog. Every route handler, page and navigation item names the
 * permission it needs; this table says which roles grant it. Server checks go through
 * `hasPermission` (lib/session/guard.ts for HTTP); the UI only hides what the server refuses.
 */
import type { Role } from "./roles";

const ALL: readonly Role[] = ["admin", "editor", "approver", "auditor"];

export const PERMISSIONS = {
  /** See the Console at all: overview, own account. */
  "console.view": ALL,
  /** Manage one's own passkeys. Even auditors: it changes nothing but their own credentials. */
  "account.manage": ALL,
  "operators.read": ["admin", "auditor"],
  "operators.manage": ["admin"],
  "teams.manage": ["admin"],
  "settings.read": ["admin", "auditor"],
  "settings.manage": ["admin"],
  "machines.read": ALL,
  "machines.write": ["admin", "editor"],
  "policies.read": ALL,
  "policies.write": ["admin", "editor"],
  "intents.read": ALL,
  "intents.decide": ["approver"],
  "audit.read": ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && Object.hasOwn(PERMISSIONS, value);
}

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  const granted: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => granted.includes(role));
}

/** Every permission the roles grant, for the UI (which hides what the server would refuse). */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => hasPermission(roles, p));
}
