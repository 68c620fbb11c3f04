/**
 * Route handlers are built with these two wrappers and nothing else: each declares the
 * permission it needs (or that it is public) and gets the same checks in the same order:
 * same-origin for state-changing methods, session, permission, then the handler, with domain
 * errors mapped to problems. The declaration is attached to the handler so tests can drive the
 * role-by-endpoint matrix from it (tests/operators/rbac.test.ts).
 */
import type { z } from "zod";
import { isDomainError, problemResponse } from "../http/problem";
import { isOperatorError, OperatorError } from "../operators/errors";
import { hasPermission, type Permission } from "../operators/permissions";
import type { CurrentOperator } from "../operators/sessions";
import type { RequestContext } from "../operators/sign-in";
import { sessionFromRequest } from "./authenticate";
import { requestContext } from "./client";
import { webContext } from "./context";
import { isSafeMethod, isSameOrigin } from "./origin";
import { operatorProblem } from "./problems";

type Params = Record<string, string | string[] | undefined>;
export interface RouteContext {
  params: Promise<Params>;
}
export interface RouteDeclaration {
  /** null: anyone may call it (it carries its own proof, such as an invitation token). */
  permission: Permission | null;
}
export type RouteHandler = ((request: Request, context: RouteContext) => Promise<Response>) & { readonly pteri: RouteDeclaration };

interface PublicInput {
  request: Request;
  params: Record<string, string>;
  client: RequestContext;
}
interface OperatorInput extends PublicInput {
  operator: CurrentOperator;
}

export function operatorRoute(permission: Permission, handler: (input: OperatorInput) => Promise<Response>): RouteHandler {
  return declare({ permission }, async (request, context) => {
    const session = await sessionFromRequest(request);
    if (!session.operator) throw new OperatorError("unauthenticated", "Sign in to the Console first (your session may have ended).");
    if (!hasPermission(session.operator.roles, permission)) throw new OperatorError("forbidden", `This needs the ${permission} permission, which your roles do not grant.`);
    return handler({ request, operator: session.operator, params: await stringParams(context), client: requestContext(request.headers) });
  });
}

export function publicRoute(handler: (input: PublicInput) => Promise<Response>): RouteHandler {
  return declare({ permission: null }, async (request, context) =>
    handler({ request, params: await stringParams(context), client: requestContext(request.headers) }),
  );
}

function declare(declaration: RouteDeclaration, run: (request: Request, context: RouteContext) => Promise<Response>): RouteHandler {
  const handler = async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      if (!isSafeMethod(request.method) && !isSameOrigin(request.headers, webContext().config.publicUrl)) {
        throw new OperatorError("cross_origin", "State-changing requests must come from the Console's own pages.");
      }
      return await run(request, context);
    } catch (error) {
      if (isOperatorError(error)) return operatorProblem(error);
      if (isDomainError(error)) return error.toResponse();
      console.error(`pteri: ${request.method} ${new URL(request.url).pathname} failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      return problemResponse({ code: "internal_error", status: 500, title: "Internal error", detail: "The Console could not complete the request; it was logged on the server." });
    }
  };
  return Object.assign(handler, { pteri: declaration });
}

async function stringParams(context: RouteContext | undefined): Promise<Record<string, string>> {
  const raw = (await context?.params) ?? {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
}

const MAX_BODY = 64 * 1024;

/**
 * Parses a JSON body with a schema; anything else is a 400 with the first problem named.
 * Bodies are at most 64 KiB unless the route says otherwise (policies are larger).
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, options: { maxBytes?: number } = {}): Promise<z.infer<S>> {
  const max = options.maxBytes ?? MAX_BODY;
  const text = await request.text();
  if (text.length > max) throw new OperatorError("invalid_request", `The request body is too large (at most ${max >= 1 << 20 ? `${max / (1 << 20)} MiB` : `${max / 1024} KiB`}).`);
  let value: unknown;
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new OperatorError("invalid_request", "The request body must be JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new OperatorError("invalid_request", `${where}${issue?.message ?? "invalid input"}`);
  }
  return parsed.data;
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
