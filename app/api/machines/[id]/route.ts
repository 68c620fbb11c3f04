import { getDb } from "@/lib/db/client";
import { machineDetail } from "@/lib/machines/api";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("machines.read", async ({ params }) => json(await machineDetail(getDb(), params.id ?? "")));
