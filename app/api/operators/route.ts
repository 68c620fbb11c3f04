import { getDb } from "@/lib/db/client";
import { listOperators } from "@/lib/operators/records";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("operators.read", async () => json({ operators: await listOperators(getDb()) }));
