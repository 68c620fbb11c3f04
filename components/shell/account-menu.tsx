"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { useState } from "react";

/** The signed-in operator's name (a link to their account) and sign-out. */
export function AccountMenu({ name, roles }: { name: string; roles: string[] }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="flex items-center gap-3 text-sm">
      <Link href="/account" className="flex flex-col items-end leading-tight hover:underline">
        <span className="font-medium">{name}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{roles.join(", ")}</span>
      </Link>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          await signOut({ callbackUrl: "/sign-in" });
        }}
        className="rounded-md border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {busy ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
