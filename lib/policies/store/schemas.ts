/**
 * Shapes of the Console's policy API bodies (zod): only the JSON types here; the rules
 * (name and note lengths, the policy document itself) are the store's validators, so each
 * refusal says what to fix in the same words whatever the caller.
 */
import { z } from "zod";
import { OperatorError } from "../../operators/errors";

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
const MAX_BODY = 2 * 1024 * 1024;

/** lib/session/route.ts's readJson with the policy body limit: a 400 with the first problem named. */
export async function readPolicyJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await request.text();
  if (text.length > MAX_BODY) throw new OperatorError("invalid_request", `The request body is too large (at most ${MAX_BODY / 1024 / 1024} MiB).`);
  let value: unknown;
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new OperatorError("invalid_request", "The request body must be JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new OperatorError("invalid_request", `${where}${issue?.message ?? "invalid input"}`);
  }
  return parsed.data;
}
