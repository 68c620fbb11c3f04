/** Request bodies of the webhooks admin API (app/api/webhooks/**). */
import { z } from "zod";
import { MAX_WEBHOOK_DESCRIPTION, MAX_WEBHOOK_URL, WEBHOOK_EVENT_TYPES } from "./wire";

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `events must be among ${WEBHOOK_EVENT_TYPES.join(", ")}` }))
  .min(1, "Choose at least one event")
  .transform((list) => WEBHOOK_EVENT_TYPES.filter((t) => list.includes(t)));

const fields = {
  url: z.string().max(MAX_WEBHOOK_URL + 100, `at most ${MAX_WEBHOOK_URL} characters`),
  description: z.string().trim().max(MAX_WEBHOOK_DESCRIPTION, `at most ${MAX_WEBHOOK_DESCRIPTION} characters`),
  events,
  enabled: z.boolean(),
};

export const createWebhookSchema = z.strictObject({ ...fields, description: fields.description.default(""), enabled: fields.enabled.default(true) });
export const updateWebhookSchema = z
  .strictObject({ url: fields.url.optional(), description: fields.description.optional(), events: fields.events.optional(), enabled: fields.enabled.optional() })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Nothing to change");

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
