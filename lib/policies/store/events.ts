/** Audit entry types of the policy store, in one place so the Console and tests agree. */
export const POLICY_EVENTS = {
  created: "policy.created",
  published: "policy.published",
  rolledBack: "policy.rolled_back",
} as const;
