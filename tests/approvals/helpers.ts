/**
 * Set-up for the approval API tests: a throwaway Console host, operators who sign in and sign
 * decisions with software passkeys, machines that submit intents with signed requests, and
 * the two-step decision (challenge, then the passkey's answer) through the route handlers.
 */
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { POST as challengeRoute } from "@/app/api/approvals/[intentId]/challenge/route";
import { POST as decisionRoute } from "@/app/api/approvals/[intentId]/decision/route";
import { GET as detailRoute } from "@/app/api/approvals/[intentId]/route";
import { GET as queueRoute } from "@/app/api/approvals/route";
import { POST as submitRoute } from "@/app/api/v1/intents/route";
import { GET as readRoute } from "@/app/api/v1/intents/[id]/route";
import type { ApprovalChallenge, ApprovalChallengeRequest, ApprovalDetail, ApprovalQueue } from "@/lib/approvals/wire";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import type { IntentAnswer, IntentDocument } from "@/lib/intents/wire";
import { INTENTS_PATH } from "@/lib/intents/wire";
import type { Role } from "@/lib/operators/roles";
import { addTeamMember, createTeam } from "@/lib/operators/teams";
import type { RouteHandler } from "@/lib/session/route";
import { signedRequest, type Enrolled } from "../auth/helpers";
import { intentDoc } from "../intents/helpers";
import { consoleRequest, createOperator, ORIGIN, signInCookie, type TestOperator } from "../operators/helpers/host";

export interface Person extends TestOperator {
  cookie: string;
}

export async function person(db: Db, name: string, roles: Role[] = ["approver"], algorithm: "Ed25519" | "P-256" = "Ed25519"): Promise<Person> {
  const operator = await createOperator(db, name, roles, algorithm);
  return { ...operator, cookie: await signInCookie(db, operator) };
}

export async function team(db: Db, name: string, members: Person[]): Promise<void> {
  const actor = { type: "host" as const, id: "test" };
  const id = await writeTransaction(db, (tx) => createTeam(tx, actor, { name, description: "" }));
  for (const m of members) await writeTransaction(db, (tx) => addTeamMember(tx, actor, id, m.id));
}

const realClock = { now: () => Date.now() / 1000 };
let nonce = 0;

/** Submits an intent for `action` as the machine (signed, through the route); returns the machine's answer. */
export async function submit(machine: Enrolled, action: string, over: Partial<IntentDocument> = {}): Promise<IntentAnswer> {
  const body = JSON.stringify(intentDoc({ action, resource: "accounts/main", nonce: `approvals-${++nonce}-${Date.now()}`, ...over }));
  const request = (await signedRequest(machine.key, { url: `${ORIGIN}${INTENTS_PATH}`, method: "POST", body, sign: realClock })).make();
  const response = await submitRoute(request);
  if (response.status !== 201) throw new Error(`submission answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as IntentAnswer;
}

/** The machine's own GET /api/v1/intents/{id}. */
export async function machineView(machine: Enrolled, id: string): Promise<IntentAnswer> {
  const request = (await signedRequest(machine.key, { url: `${ORIGIN}${INTENTS_PATH}/${id}`, method: "GET", sign: realClock })).make();
  return (await (await readRoute(request)).json()) as IntentAnswer;
}

function call(handler: RouteHandler, path: string, who: Person | null, init: { method?: string; body?: unknown; params?: Record<string, string> } = {}): Promise<Response> {
  return handler(consoleRequest(path, { method: init.method ?? "GET", cookie: who?.cookie, body: init.body }), { params: Promise.resolve(init.params ?? {}) });
}

export function openPrompt(who: Person, intentId: string, body: Partial<ApprovalChallengeRequest> & Record<string, unknown>): Promise<Response> {
  return call(challengeRoute, `/api/approvals/${intentId}/challenge`, who, { method: "POST", body, params: { intentId } });
}

export function answerPrompt(who: Person, intentId: string, challenge: string, response: AuthenticationResponseJSON | unknown): Promise<Response> {
  return call(decisionRoute, `/api/approvals/${intentId}/decision`, who, { method: "POST", body: { challenge, response }, params: { intentId } });
}

/** A prompt opened and signed by `who`'s passkey, not yet sent. */
export async function signedPrompt(who: Person, intentId: string, body: ApprovalChallengeRequest): Promise<{ challenge: ApprovalChallenge; response: AuthenticationResponseJSON }> {
  const opened = await openPrompt(who, intentId, { ...body });
  if (opened.status !== 200) throw new Error(`challenge answered ${opened.status}: ${await opened.text()}`);
  const challenge = (await opened.json()) as ApprovalChallenge;
  return { challenge, response: who.authenticator.assert(challenge.options) };
}

/** Both steps; returns the decision endpoint's response. */
export async function decide(who: Person, intentId: string, body: ApprovalChallengeRequest): Promise<Response> {
  const opened = await openPrompt(who, intentId, { ...body });
  if (opened.status !== 200) return opened;
  const { options } = (await opened.json()) as ApprovalChallenge;
  return answerPrompt(who, intentId, options.challenge, who.authenticator.assert(options));
}

export async function queue(who: Person, status = "pending"): Promise<ApprovalQueue> {
  return (await (await call(queueRoute, `/api/approvals?status=${status}`, who)).json()) as ApprovalQueue;
}

export async function detail(who: Person, intentId: string): Promise<ApprovalDetail> {
  return (await (await call(detailRoute, `/api/approvals/${intentId}`, who, { params: { intentId } })).json()) as ApprovalDetail;
}

export async function problem(response: Response): Promise<{ status: number; code: string; detail: string }> {
  const body = (await response.json()) as { code: string; detail: string };
  return { status: response.status, code: body.code, detail: body.detail };
}

export const APPROVE = { decision: "approve", reason: "checked the ticket" } as const;
export const REJECT = { decision: "reject", reason: "not scheduled" } as const;
