import { getDb } from "@/lib/db/client";
import { policyDetail } from "@/lib/policies/store/api";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The policy: its draft, the version in force, and every version (newest first). */
export const GET = operatorRoute("policies.read", async ({ params }) => json(await policyDetail(getDb(), params.id ?? "")));
