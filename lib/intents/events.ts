/** Audit entry types of the intents domain, in one place so the Console and tests agree. */
export const INTENT_EVENTS = {
  submitted: "intent.submitted",
  expired: "intent.expired",
} as const;
