import { getDb } from "@/lib/db/client";
import { parseAuditSearch } from "@/lib/audit/search/query";
import { searchAuditEntries } from "@/lib/audit/search/search";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Searches the audit trail (lib/audit/search/wire.ts): filters in the query string, keyset pages. */
export const GET = operatorRoute("audit.read", async ({ request }) =>
  json(await searchAuditEntries(getDb(), parseAuditSearch(new URL(request.url).searchParams))),
);
