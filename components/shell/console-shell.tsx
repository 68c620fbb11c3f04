import Link from "next/link";
import { AccountMenu } from "./account-menu";
import type { NavItem } from "./nav-items";
import { Sidebar } from "./sidebar";

/** The frame around every Console page: skip link, header, sidebar, main content. */
export function ConsoleShell({ operator, navItems, children }: { operator: { name: string; roles: string[] }; navItems: NavItem[]; children: React.ReactNode }) {
  return (
    <div className="flex min-h-full flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-zinc-900">
        Skip to content
      </a>
      <header className="flex h-14 shrink-0 items-center justify-between border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden="true" className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 font-mono text-sm text-white">
            P
          </span>
          PTERI Console
        </Link>
        <AccountMenu name={operator.name} roles={operator.roles} />
      </header>
      <div className="flex flex-1">
        <aside className="w-56 shrink-0 border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <Sidebar items={navItems} />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-6 lg:p-8">
          {children}
        </main>
      </div>
    </div>
  );
}
