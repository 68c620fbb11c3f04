import { machineRoute } from "@/lib/auth/machine-route";
import { machineSummary } from "@/lib/machines/model";
import { rekeyMachine } from "@/lib/machines/rekey";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Signed with the current key; the body names the new key and carries its proof (lib/machines/wire.ts). */
export const POST = machineRoute(null, async ({ auth, deps }) => {
  const { machine, retiredKeyId } = await rekeyMachine(deps.db, {
    machine: auth.machine,
    body: auth.body,
    publicUrl: deps.config.publicUrl,
    requestSeq: auth.auditSeq,
    backend: deps.backend,
    now: new Date(deps.now()),
  });
  return Response.json({ machine: machineSummary(machine), retiredKeyId }, { headers: { "cache-control": "no-store" } });
});
