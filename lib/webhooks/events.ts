/** Audit entry types of the webhooks domain, in one place so the Console and tests agree. */
export const WEBHOOK_AUDIT_EVENTS = {
  created: "webhook.created",
  updated: "webhook.updated",
  deleted: "webhook.deleted",
  testRequested: "webhook.test_requested",
  redeliveryRequested: "webhook.redelivery_requested",
} as const;
