/**
 * Shapes of the Console's policy API bodies (zod): only the JSON types here; the rules
 * (name and note lengths, the policy document itself) are the store's validators, so each
 * refusal says what to fix in the same words whatever the caller.
 */
import { z } from "zod";

export const newPolicySchema = z.object({
  name: z.string(),
  description: z.string().optional(),
});

export const draftSchema = z
  .object({
    document: z.unknown(),
    /** The draftUpdatedAt the editor started from (null: there was no draft); left out: no check. */
    baseDraftUpdatedAt: z.string().nullable().optional(),
  })
  .refine((body) => body.document !== undefined, { message: "document is required", path: ["document"] });

export const publishSchema = z.object({
  note: z.string().optional(),
  /** Left out: the saved draft is published. */
  document: z.unknown().optional(),
});

export const rollbackSchema = z.object({
  version: z.number().int(),
  note: z.string().optional(),
});

export const impactSchema = z.object({ document: z.unknown(), sinceHours: z.number().int().optional() }).refine((body) => body.document !== undefined, {
  message: "document is required",
  path: ["document"],
});

/** Policy bodies can be larger than the Console's usual 64 KiB (a policy may have 1,000 rules). */
export const POLICY_BODY_BYTES = 2 * 1024 * 1024;
