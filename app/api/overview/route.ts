import { getDb } from "@/lib/db/client";
import { overview, parseRange } from "@/lib/overview";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The Overview page's data (docs/overview.md): ?range=24h (default, hourly) | 7d | 30d (daily), UTC buckets. */
export const GET = operatorRoute("console.view", async ({ request }) => {
  const range = parseRange(new URL(request.url).searchParams.get("range"));
  return json(await overview(getDb(), range));
});
