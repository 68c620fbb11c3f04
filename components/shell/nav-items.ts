/** The Console's sections, in sidebar order. */
export const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/machines", label: "Machines" },
  { href: "/policies", label: "Policies" },
  { href: "/approvals", label: "Approvals" },
  { href: "/audit", label: "Audit" },
  { href: "/operators", label: "Operators" },
  { href: "/settings", label: "Settings" },
] as const;
