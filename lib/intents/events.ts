/** Audit entry types of the intents domain, in one place so the Console and tests agree. */
export const INTENT_EVENTS = {
  submitted: "intent.submitted",
  expired: "intent.expired",
  /** POST /api/v1/verify answered allow: the intent was executed (once). */
  executed: "intent.executed",
  /** POST /api/v1/verify answered deny, with its reason. */
  executionRefused: "intent.execution_refused",
} as const;
