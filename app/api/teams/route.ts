import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { createTeamSchema } from "@/lib/operators/schemas";
import { createTeam, listTeams } from "@/lib/operators/teams";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("operators.read", async () => json({ teams: await listTeams(getDb()) }));

export const POST = operatorRoute("teams.manage", async ({ request, operator }) => {
  const input = await readJson(request, createTeamSchema);
  const id = await writeTransaction(getDb(), (tx) => createTeam(tx, { type: "operator", id: operator.id }, input));
  return json({ team: { id } }, 201);
});
