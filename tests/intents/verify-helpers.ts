/**
 * Set-up for the execution-verification tests: a resource service granted intents.verify for
 * an audience, execution requests signed as a machine signs them (pteri-intent covered), and
 * the verify call as a resource service makes it (signed with its own key, real route).
 */
import { writeTransaction } from "@/lib/db/transaction";
import type { Db } from "@/lib/db/client";
import { setMachinePermissions } from "@/lib/machines/lifecycle";
import { createContentDigest } from "@/lib/protocol/digest";
import { defaultComponents, type SignOptions } from "@/lib/protocol/httpsig/sign";
import type { GeneratedKeyPair } from "@/lib/protocol/keys";
import { INTENT_HEADER, INTENTS_PATH, type IntentAnswer } from "@/lib/intents/wire";
import { VERIFY_PATH, type VerifyAnswer, type VerifyBody } from "@/lib/intents/verify-wire";
import { POST as submitRoute } from "@/app/api/v1/intents/route";
import { POST as verifyRoute } from "@/app/api/v1/verify/route";
import { enroll, signedRequest, type Enrolled } from "../auth/helpers";
import { ORIGIN, startTestHost, type TestHost } from "../operators/helpers/host";
import { ACTOR, AUDIENCE, intentDoc, policyDoc, publish, rule } from "./helpers";

export const TARGET = `${AUDIENCE}/payments/transfer`;
export const TRANSFER = JSON.stringify({ amount: 5000, currency: "EUR", to: "DE89 3704 0044 0532 0130 00" });

const realClock = { now: () => Date.now() / 1000 };

export async function grantVerifier(db: Db, machineId: string, audiences: string[] = [AUDIENCE], permissions = ["intents.verify"]): Promise<void> {
  await writeTransaction(db, (tx) => setMachinePermissions(tx, ACTOR, machineId, { permissions, verifyAudiences: audiences }));
}

/** Submits (through the real route) an intent to POST `body` to `target`; `nonce` keeps intents distinct. */
export async function submitTransfer(owner: Enrolled, nonce: string, over: { action?: string; body?: string | null; target?: string; method?: string } = {}): Promise<IntentAnswer> {
  const body = over.body === undefined ? TRANSFER : over.body;
  const doc = intentDoc({
    action: over.action ?? "payments.transfer",
    resource: "accounts/42/payouts",
    params: { amount: 5000, currency: "EUR" },
    execute: { method: over.method ?? "POST", targetUri: over.target ?? TARGET, contentDigest: body ? createContentDigest(body) : null },
    nonce,
  });
  const request = await signedRequest(owner.key, { url: `${ORIGIN}${INTENTS_PATH}`, body: JSON.stringify(doc), sign: realClock });
  const response = await submitRoute(request.make());
  if (response.status !== 201) throw new Error(`submission failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as IntentAnswer;
}

export interface Execution {
  method?: string;
  url?: string;
  /** What the machine signs (and the header's digest); null for no body. */
  body?: string | null;
  /** Cover pteri-intent (default true). */
  coverIntent?: boolean;
  sign?: Partial<SignOptions>;
}

/** The execution request as the machine sends it to the resource service: its method, URL and headers. */
export async function executionRequest(key: GeneratedKeyPair, intentId: string | null, e: Execution = {}) {
  const body = e.body === undefined ? TRANSFER : e.body;
  const hasBody = body !== null && body.length > 0;
  const method = e.method ?? "POST";
  const url = e.url ?? TARGET;
  const components = [...defaultComponents(hasBody), ...(intentId !== null && e.coverIntent !== false ? [INTENT_HEADER] : [])];
  const signed = await signedRequest(key, {
    method,
    url,
    ...(body !== null ? { body } : {}),
    headers: intentId !== null ? { [INTENT_HEADER]: intentId } : {},
    sign: { ...realClock, components, ...e.sign },
  });
  const headers: Record<string, string> = {};
  signed.make().headers.forEach((value, name) => (headers[name] = value));
  return { method, url, headers, body, signatureBase: signed.signatureBase };
}

/** What the resource service forwards: the request it saw and the digest of the body it received. */
export function forward(request: { method: string; url: string; headers: Record<string, string> }, received: string | null): VerifyBody {
  return { request: { method: request.method, targetUri: request.url, headers: request.headers }, bodyDigest: received ? createContentDigest(received) : null };
}

/** POST /api/v1/verify signed by the resource service; the raw Response. */
export async function callVerify(service: Enrolled, body: VerifyBody | string): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const request = await signedRequest(service.key, { url: `${ORIGIN}${VERIFY_PATH}`, body: text, sign: realClock });
  return verifyRoute(request.make());
}

/** The answer of a verification that must succeed as a call (HTTP 200). */
export async function verifyAnswer(service: Enrolled, body: VerifyBody): Promise<VerifyAnswer> {
  const response = await callVerify(service, body);
  if (response.status !== 200) throw new Error(`verify answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as VerifyAnswer;
}

/** Signs the execution of `intentId` and verifies it as received unchanged. */
export async function executeOnce(service: Enrolled, owner: Enrolled, intentId: string, e: Execution = {}): Promise<VerifyAnswer> {
  const request = await executionRequest(owner.key, intentId, e);
  return verifyAnswer(service, forward(request, request.body));
}

export interface PaymentsScene {
  host: TestHost;
  /** The machine that submits and executes intents. */
  owner: Enrolled;
  /** Another machine, which must never see or execute the owner's intents. */
  other: Enrolled;
  /** The resource service: intents.verify for AUDIENCE. */
  service: Enrolled;
}

/**
 * A Console with three machines and a published "Payments" policy: payments.transfer allowed,
 * payments.large held for `largeApprovers` approvers.
 */
export async function paymentsScene(largeApprovers: number): Promise<PaymentsScene> {
  const host = await startTestHost();
  const owner = await enroll(host.db, "payer");
  const other = await enroll(host.db, "intruder");
  const service = await enroll(host.db, "payments-service");
  await grantVerifier(host.db, service.machine.id);
  await publish(
    host.db,
    policyDoc("Payments", [
      rule({ id: "transfers", actions: ["payments.transfer"], resources: ["**"] }),
      rule({ id: "large", actions: ["payments.large"], resources: ["**"], approval: { requirements: [{ approvers: largeApprovers }], expiresInSeconds: 600 } }),
    ]),
  );
  return { host, owner, other, service };
}
