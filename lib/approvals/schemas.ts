/** Validation of the approval API's request bodies (wire.ts types). */
import { z } from "zod";
import { APPROVAL_DECISIONS, MAX_APPROVAL_REASON } from "./wire";

export const challengeRequestSchema = z
  .strictObject({
    decision: z.enum(APPROVAL_DECISIONS, { error: "decision must be approve or reject." }),
    reason: z
      .string()
      .max(MAX_APPROVAL_REASON, `The reason is at most ${MAX_APPROVAL_REASON} characters.`)
      .transform((s) => s.trim())
      .default(""),
    executionWindowSeconds: z.number().int("executionWindowSeconds must be a whole number of seconds.").min(1, "executionWindowSeconds must be at least 1.").optional(),
  })
  .superRefine((body, ctx) => {
    if (body.decision === "reject" && body.reason === "") ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why you reject the intent." });
    if (body.decision === "reject" && body.executionWindowSeconds !== undefined) {
      ctx.addIssue({ code: "custom", path: ["executionWindowSeconds"], message: "Only an approval can shorten the execution window." });
    }
  });

export const decisionRequestSchema = z.strictObject({
  challenge: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, "challenge must be the base64url challenge of the approval prompt."),
  // Shape-checked by parseAuthenticationResponse (lib/webauthn/responses.ts).
  response: z.unknown(),
});
