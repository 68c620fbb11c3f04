import { getLogIdentity } from "@/lib/audit/log-identity";
import { CSV_NEWLINE } from "@/lib/audit/search/csv";
import { QueryError } from "@/lib/http/query-error";
import { lineStream, searchExportCsv, searchExportJsonl } from "@/lib/audit/search/export";
import { filtersOf, parseAuditSearch } from "@/lib/audit/search/query";
import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * A search's matches as a download, streamed (lib/audit/search/export.ts): `format=jsonl`,
 * the audit export file `pteri audit verify` reads, or `format=csv`.
 */
export const GET = operatorRoute("audit.read", async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const format = params.get("format") ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") throw new QueryError('format: must be "jsonl" or "csv".');
  const filters = filtersOf(parseAuditSearch(params));
  const db = getDb();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (format === "csv") {
    return new Response(lineStream(searchExportCsv(db, filters), CSV_NEWLINE), {
      headers: { ...headers, "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="pteri-audit-${stamp}.csv"` },
    });
  }
  const identity = await getLogIdentity(db, loadConfig());
  return new Response(lineStream(searchExportJsonl(db, identity, filters)), {
    headers: { ...headers, "content-type": "application/x-ndjson", "content-disposition": `attachment; filename="pteri-audit-${stamp}.jsonl"` },
  });
});
