/**
 * Shapes of the Console's machine API bodies (zod): only the JSON types here; the rules
 * (lengths, tag syntax, key validity, permission names) are the domain's validators, so the
 * API, the host commands and the signed machine API refuse the same input the same way.
 */
import { z } from "zod";

const profile = {
  name: z.string(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  owner: z.string().optional(),
  environment: z.string().optional(),
};

export const registerMachineSchema = z.object({
  ...profile,
  publicKey: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

export const newTicketSchema = z.object({
  ...profile,
  permissions: z.array(z.string()).optional(),
  requireConfirmation: z.boolean().optional(),
  expiresInMinutes: z.number().int().optional(),
});

export const machineActionSchema = z.object({
  reason: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const machinePermissionsSchema = z.object({
  permissions: z.array(z.string()),
  /** Absent: unchanged. */
  verifyAudiences: z.array(z.string()).max(100).optional(),
});
