import type { Permission } from "@/lib/operators/permissions";

/** The Console's sections, in sidebar order, each with the permission its page requires. */
export const NAV_ITEMS = [
  { href: "/", label: "Overview", permission: "console.view" },
  { href: "/machines", label: "Machines", permission: "machines.read" },
  { href: "/policies", label: "Policies", permission: "policies.read" },
  { href: "/approvals", label: "Approvals", permission: "intents.read" },
  { href: "/audit", label: "Audit", permission: "audit.read" },
  { href: "/operators", label: "Operators", permission: "operators.read" },
  { href: "/settings", label: "Settings", permission: "settings.read" },
] as const satisfies readonly { href: string; label: string; permission: Permission }[];

export type NavItem = { href: string; label: string };
