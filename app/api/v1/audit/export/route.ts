import { exportAuditLog, resolveExportRange } from "@/lib/audit/export";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { machineRoute } from "@/lib/auth/machine-route";
import { loadConfig } from "@/lib/config/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * The whole audit log as the JSONL export file (docs/audit.md), for machines holding the
 * audit.read permission (`pteri audit export --server URL --key FILE`). Streamed batch by
 * batch, so a large log is never held in memory.
 */
export const GET = machineRoute("audit.read", async ({ deps }) => {
  const range = await resolveExportRange(deps.db);
  const identity = await getLogIdentity(deps.db, loadConfig());
  const lines = exportAuditLog(deps.db, identity, range);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${next.value}\n`));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store", "content-disposition": 'attachment; filename="pteri-audit.jsonl"' } });
});
