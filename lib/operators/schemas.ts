/**
 * Input schemas for everything operators send. Route handlers parse with these; the types the
 * domain functions take are derived from them, so the two cannot drift.
 */
import { z } from "zod";
import { ROLES } from "./roles";
import { INVITATION_MINUTES } from "./constants";

// Printable text only: names end up in the audit log and on other operators' screens.
const label = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} cannot be empty.`)
    .max(max, `${what} can be at most ${max} characters.`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} cannot contain control characters.`);

export const operatorNameSchema = label(100, "A name");
export const passkeyNameSchema = label(64, "A passkey name");
export const teamNameSchema = label(64, "A team name");
export const roleListSchema = z.array(z.enum(ROLES)).min(1, "Choose at least one role.").max(ROLES.length);
export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "not an id");

export const createInvitationSchema = z.object({
  roles: roleListSchema,
  name: operatorNameSchema.optional(),
  expiresInMinutes: z.number().int().min(INVITATION_MINUTES.min).max(INVITATION_MINUTES.max).default(INVITATION_MINUTES.default),
});

export const updateOperatorSchema = z
  .object({ roles: roleListSchema.optional(), status: z.enum(["active", "disabled"]).optional() })
  .refine((v) => v.roles !== undefined || v.status !== undefined, "Send roles, status or both.");

export const registerOptionsSchema = z.object({ token: z.string().max(100), name: operatorNameSchema });
export const registerSchema = z.object({
  token: z.string().max(100),
  name: operatorNameSchema,
  passkeyName: passkeyNameSchema,
  response: z.unknown(),
});
export const addPasskeySchema = z.object({ name: passkeyNameSchema, response: z.unknown() });
export const renamePasskeySchema = z.object({ name: passkeyNameSchema });
export const createTeamSchema = z.object({ name: teamNameSchema, description: z.string().trim().max(200).default("") });
export const addTeamMemberSchema = z.object({ operatorId: idSchema });
