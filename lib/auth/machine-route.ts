/**
 * Route handlers of the signed machine API (/api/v1/...) are built with `machineRoute`: it
 * authenticates the signed request (lib/auth/authenticate-machine.ts), checks the machine
 * permission the endpoint needs, and maps domain errors to problems, in that order, for
 * every endpoint. The declaration is attached so tests can list what each endpoint needs.
 */
import { isDomainError, problemResponse } from "../http/problem";
import { machineHasPermission } from "../machines/model";
import type { MachinePermission } from "../machines/wire";
import { authenticateMachineRequest, type AuthSuccess } from "./authenticate-machine";
import { defaultDeps, type AuthDeps } from "./deps";
import { authProblemResponse } from "./problems";

export interface MachineRouteInput {
  request: Request;
  auth: AuthSuccess;
  deps: AuthDeps;
}

export type MachineRouteHandler = ((request: Request) => Promise<Response>) & { readonly pteri: { machinePermission: MachinePermission | null } };

export function machineRoute(permission: MachinePermission | null, handler: (input: MachineRouteInput) => Promise<Response>): MachineRouteHandler {
  const route = async (request: Request): Promise<Response> => {
    const deps = defaultDeps();
    return withMachineErrors(request, async () => {
      const auth = await authenticateMachineRequest(request, deps);
      if (!auth.ok) return auth.response;
      if (permission !== null && !machineHasPermission(auth.machine, permission)) {
        return authProblemResponse("machine_permission_missing", `This endpoint needs the machine permission ${permission}; an editor can grant it on the machine's page in the Console.`);
      }
      return handler({ request, auth, deps });
    });
  };
  return Object.assign(route, { pteri: { machinePermission: permission } });
}

/** Domain errors (machines, policies, intents) become their problems; anything else is logged in one line and answered 500. */
export async function withMachineErrors(request: Request, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isDomainError(error)) return error.toResponse();
    console.error(`pteri: ${request.method} ${new URL(request.url).pathname} failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    return problemResponse({ code: "internal_error", status: 500, title: "Internal error", detail: "The Console could not complete the request; it was logged on the server." });
  }
}
