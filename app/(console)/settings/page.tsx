import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/ui/page-header";
import { WebhooksSection } from "@/components/webhooks/webhooks-section";
import { getLogIdentity, type LogIdentity } from "@/lib/audit/log-identity";
import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { fingerprint } from "@/lib/protocol/keys";
import { PTERI_VERSION } from "@/lib/version";
import { requirePage } from "@/lib/session/page";
import { hasPermission } from "@/lib/operators/permissions";

export const metadata: Metadata = { title: "Settings" };

const SECTION = "rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900";
const HEADING = "border-b border-zinc-200 px-4 py-3 text-sm font-semibold dark:border-zinc-800";
const ROW = "grid grid-cols-3 gap-4 px-4 py-3 text-sm";
const LABEL = "text-zinc-600 dark:text-zinc-400";

export default async function SettingsPage() {
  const operator = await requirePage("settings.read");
  await connection(); // configuration is read at request time, not baked in at build time
  const config = loadConfig();
  const rows: [string, string][] = [
    ["Version", PTERI_VERSION],
    ["Public URL", config.publicUrl.href],
    ["Database", config.database === "sqlite" ? `SQLite (${config.sqlitePath})` : "PostgreSQL"],
    ["Data directory", config.dataDir],
  ];
  // The page still renders when the key cannot be loaded; the server log says why.
  const identity = await getLogIdentity(getDb(), config).catch((error: unknown) => {
    console.error(`pteri: audit log key unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  return (
    <>
      <PageHeader title="Settings" description="How this Console is configured. Change these with environment variables and restart." />
      <section aria-labelledby="server-config" className={SECTION}>
        <h2 id="server-config" className={HEADING}>
          Server
        </h2>
        <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {rows.map(([label, value]) => (
            <div key={label} className={ROW}>
              <dt className={LABEL}>{label}</dt>
              <dd className="col-span-2 break-all font-mono">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <AuditLogKey identity={identity} />
      <div className="mt-6">
        <WebhooksSection canManage={hasPermission(operator.roles, "settings.manage")} />
      </div>
    </>
  );
}

/** The audit log's public key, which auditors pin to verify exports and checkpoints offline. */
function AuditLogKey({ identity }: { identity: LogIdentity | null }) {
  return (
    <section aria-labelledby="audit-log-key" className={`mt-6 ${SECTION}`}>
      <h2 id="audit-log-key" className={HEADING}>
        Audit log key
      </h2>
      <p className="px-4 pt-3 text-sm text-zinc-600 dark:text-zinc-400">
        Checkpoints of the audit log are signed with this key. Give the verifier key to auditors, who check an export with{" "}
        <code className="font-mono">pteri audit verify EXPORT.jsonl --log-key VKEY</code>. It is also published at{" "}
        <a className="underline" href="/.well-known/pteri-log-key">
          /.well-known/pteri-log-key
        </a>
        .
      </p>
      {identity ? (
        <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
          <div className={ROW}>
            <dt className={LABEL}>Log origin</dt>
            <dd className="col-span-2 break-all font-mono">{identity.origin}</dd>
          </div>
          <div className={ROW}>
            <dt className={LABEL}>Verifier key (vkey)</dt>
            <dd className="col-span-2">
              <pre className="whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">{identity.vkey}</pre>
            </dd>
          </div>
          <div className={ROW}>
            <dt className={LABEL}>Key id</dt>
            <dd className="col-span-2 break-all font-mono">
              {identity.keyId}
              <span className={`block ${LABEL}`}>{fingerprint(identity.keyId)}</span>
            </dd>
          </div>
        </dl>
      ) : (
        <p role="alert" className="px-4 py-3 text-sm text-red-700 dark:text-red-400">
          The audit log key could not be loaded; the server log says why.
        </p>
      )}
    </section>
  );
}
