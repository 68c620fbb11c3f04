import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/ui/page-header";
import { loadConfig } from "@/lib/config/env";
import { PTERI_VERSION } from "@/lib/version";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await connection(); // configuration is read at request time, not baked in at build time
  const config = loadConfig();
  const rows: [string, string][] = [
    ["Version", PTERI_VERSION],
    ["Public URL", config.publicUrl.href],
    ["Database", config.database === "sqlite" ? `SQLite (${config.sqlitePath})` : "PostgreSQL"],
    ["Data directory", config.dataDir],
  ];
  return (
    <>
      <PageHeader title="Settings" description="How this Console is configured. Change these with environment variables and restart." />
      <section aria-labelledby="server-config" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <h2 id="server-config" className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold dark:border-zinc-800">
          Server
        </h2>
        <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-3 gap-4 px-4 py-3 text-sm">
              <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
              <dd className="col-span-2 break-all font-mono">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
