import { ConsoleShell } from "@/components/shell/console-shell";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { hasPermission } from "@/lib/operators/permissions";
import { requireOperator } from "@/lib/session/page";

// Every Console page is per operator: rendered on request, never prerendered.
export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const operator = await requireOperator();
  const navItems = NAV_ITEMS.filter((item) => hasPermission(operator.roles, item.permission)).map(({ href, label }) => ({ href, label }));
  return (
    <ConsoleShell operator={{ name: operator.name, roles: operator.roles }} navItems={navItems}>
      {children}
    </ConsoleShell>
  );
}
