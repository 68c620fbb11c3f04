import { getDb } from "@/lib/db/client";
import { applicablePolicies } from "@/lib/policies/store/applicable";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/**
 * Published policies that apply to ?machineId=ID (its id and tags), or to a machine carrying
 * ?tag=a&tag=b; with neither, those that apply to every machine.
 */
export const GET = operatorRoute("policies.read", async ({ request }) => {
  const query = new URL(request.url).searchParams;
  const machineId = query.get("machineId") ?? undefined;
  const tags = query.getAll("tag").slice(0, 64);
  return json({ policies: await applicablePolicies(getDb(), { machineId, tags }) });
});
