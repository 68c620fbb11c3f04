import { permissionsOf } from "@/lib/operators/permissions";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The signed-in operator: name, roles and the permissions they grant. */
export const GET = operatorRoute("console.view", async ({ operator }) =>
  json({ operator: { id: operator.id, name: operator.name, roles: operator.roles, permissions: permissionsOf(operator.roles) } }),
);
