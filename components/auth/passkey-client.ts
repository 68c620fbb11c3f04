"use client";

/**
 * Browser side of the passkey ceremonies: ask the server for options, let the authenticator
 * answer (via @simplewebauthn/browser), hand the answer back. Sign-in goes through next-auth's
 * credentials flow, which adds its CSRF token and sets the session cookie.
 */
import { startAuthentication, startRegistration, WebAuthnError } from "@simplewebauthn/browser";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";
import { signIn } from "next-auth/react";
import { apiFetch } from "../api/fetch-json";
import { statementChallenge } from "@/lib/approvals/statement";
import { APPROVALS_PATH, type ApprovalChallenge, type ApprovalChallengeRequest, type ApprovalDecisionRequest, type ApprovalDecisionResult, type ApprovalStatement } from "@/lib/approvals/wire";

const SIGN_IN_ERRORS: Record<string, string> = {
  rate_limited: "Too many failed sign-in attempts. Wait ten minutes, then try again.",
  passkey_unknown: "This passkey is not registered with this Console (it may have been removed). Choose another passkey.",
  passkey_invalid: "The passkey could not be verified. Try again.",
  operator_disabled: "Your operator account is disabled. Ask an administrator to enable it.",
  challenge_invalid: "The sign-in prompt expired. Try again.",
  invalid_request: "The browser's passkey answer was malformed. Try again.",
  server_error: "The Console could not complete the sign-in. Try again; if it persists, check the server log.",
};

/** A sentence for people from whatever the authenticator or the browser threw. */
export function passkeyErrorText(error: unknown): string {
  if (error instanceof WebAuthnError || (error instanceof Error && error.name === "NotAllowedError")) {
    return "The passkey prompt was cancelled or timed out. Try again when you are ready.";
  }
  return error instanceof Error ? error.message : String(error);
}

export async function signInWithPasskey(onlyCredentialId?: string): Promise<void> {
  const { options } = await apiFetch<{ options: PublicKeyCredentialRequestOptionsJSON }>("/api/webauthn/sign-in/options", { method: "POST", body: {} });
  // Right after registering, point the browser at the new passkey instead of showing a picker.
  const optionsJSON = onlyCredentialId ? { ...options, allowCredentials: [{ id: onlyCredentialId, type: "public-key" as const }] } : options;
  const response = await startAuthentication({ optionsJSON });
  const result = await signIn("passkey", { response: JSON.stringify(response), redirect: false });
  if (!result || result.error || !result.ok) {
    const code = result?.error ?? "server_error";
    throw new Error(SIGN_IN_ERRORS[code] ?? SIGN_IN_ERRORS.passkey_invalid);
  }
}

export async function createPasskey(optionsPath: string, body: unknown): Promise<RegistrationResponseJSON> {
  const result = await apiFetch<{ options: PublicKeyCredentialCreationOptionsJSON }>(optionsPath, { method: "POST", body });
  return startRegistration({ optionsJSON: result.options });
}

/**
 * Signs an approval or rejection with a passkey: the server issues the statement (intent hash,
 * decision, reason, window) whose SHA-256 is the WebAuthn challenge; the statement is checked
 * against what the operator was shown before the authenticator signs it; the assertion goes
 * back to be verified and stored. `onStatement` lets the page show what is being signed.
 */
export async function decideWithPasskey(
  intentId: string,
  request: ApprovalChallengeRequest,
  shown: { intentHash: string; onStatement?: (statement: ApprovalStatement) => void },
): Promise<ApprovalDecisionResult> {
  const base = `${APPROVALS_PATH}/${encodeURIComponent(intentId)}`;
  const { statement, options } = await apiFetch<ApprovalChallenge>(`${base}/challenge`, { method: "POST", body: request });
  // What you see is what you sign: the statement names the intent and decision shown, and the
  // challenge the passkey will sign is that statement's hash, recomputed here.
  if (statement.intentId !== intentId || statement.intentHash !== shown.intentHash || statement.decision !== request.decision || statement.reason !== request.reason || statementChallenge(statement) !== options.challenge) {
    throw new Error("The Console asked to sign something other than what is shown (a different intent, decision or reason). Nothing was signed; reload the page and try again.");
  }
  shown.onStatement?.(statement);
  const response = await startAuthentication({ optionsJSON: options });
  const body: ApprovalDecisionRequest = { challenge: options.challenge, response };
  return apiFetch<ApprovalDecisionResult>(`${base}/decision`, { method: "POST", body });
}
