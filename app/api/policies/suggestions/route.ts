import { getDb } from "@/lib/db/client";
import { policySuggestions } from "@/lib/policies/store/suggestions";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Actions and resources for the editor's pickers. */
export const GET = operatorRoute("policies.read", async () => json(await policySuggestions(getDb())));
