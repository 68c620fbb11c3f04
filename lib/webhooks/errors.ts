/**
 * The one error class of the webhooks domain: a code from this closed set and a sentence that
 * says what to fix (DomainError, lib/http/problem.ts).
 */
import { DomainError } from "../http/problem";

const TABLE = {
  url_invalid: { status: 400, title: "Webhook URL not accepted" },
  input_invalid: { status: 400, title: "Invalid webhook settings" },
  not_found: { status: 404, title: "Webhook not found" },
  endpoint_disabled: { status: 409, title: "Webhook endpoint disabled" },
  has_deliveries: { status: 409, title: "Webhook endpoint has deliveries" },
  not_redeliverable: { status: 409, title: "Delivery cannot be redelivered" },
  key_unavailable: { status: 503, title: "Webhook signing key unavailable" },
} as const;

export type WebhookErrorCode = keyof typeof TABLE;

export class WebhookError extends DomainError<WebhookErrorCode> {
  override name = "WebhookError";
  protected readonly problems = TABLE;
}
