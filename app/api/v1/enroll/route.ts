import { defaultDeps } from "@/lib/auth/deps";
import { withMachineErrors } from "@/lib/auth/machine-route";
import { enrollWithTicket } from "@/lib/machines/enrollment";
import { machineSummary } from "@/lib/machines/model";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A machine enrolls itself: a ticket and its public key, signed with its new private key (lib/machines/wire.ts). */
export const POST = (request: Request) =>
  withMachineErrors(request, async () => {
    const result = await enrollWithTicket(request, defaultDeps());
    if (!result.ok) return result.response;
    const { machine } = result;
    return Response.json(
      { machine: machineSummary(machine), confirmationRequired: machine.status === "pending" },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  });
