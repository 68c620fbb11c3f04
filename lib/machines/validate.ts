/** Input rules for machine records; each failure is a MachineError naming what to fix. */
import { MachineError } from "./errors";
import { isMachinePermission, MACHINE_PERMISSIONS, MAX_VERIFY_AUDIENCES, normalizeAudience, type MachinePermission } from "./wire";

export const MAX_NAME_LENGTH = 100;
export const MAX_TAGS = 32;
/** The one tag syntax, for machines and for policies that select machines by tag. */
export const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._:/=-]{0,63}$/;
// Control characters would let a name fake line breaks in logs and terminals.
const CONTROL_RE = /\p{Cc}/u;

export function validateName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim() : "";
  if (name === "") throw new MachineError("name_invalid", "A machine needs a name (for example the service or job it runs).");
  if (name.length > MAX_NAME_LENGTH) throw new MachineError("name_invalid", `A machine name is at most ${MAX_NAME_LENGTH} characters.`);
  if (CONTROL_RE.test(name)) throw new MachineError("name_invalid", "A machine name must not contain control characters.");
  return name;
}

/** Trims, drops duplicates (first one wins) and checks each tag. */
export function validateTags(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new MachineError("tags_invalid", "Tags must be a list of strings.");
  const tags = [...new Set(raw.map((t) => (typeof t === "string" ? t.trim() : "")))];
  if (tags.length > MAX_TAGS) throw new MachineError("tags_invalid", `A machine has at most ${MAX_TAGS} tags.`);
  for (const tag of tags) {
    if (!TAG_RE.test(tag)) {
      throw new MachineError(
        "tags_invalid",
        `Tag ${JSON.stringify(tag.slice(0, 70))} is not valid: use 1 to 64 letters, digits and . _ : / = - (starting with a letter or digit).`,
      );
    }
  }
  return tags;
}

const MAX_DESCRIPTION_LENGTH = 1000;
const MAX_LABEL_LENGTH = 100;
export const MAX_REASON_LENGTH = 500;

/** Free text shown in the Console: trimmed, bounded, no control characters but newlines. */
function validateText(raw: unknown, what: string, max: number, options: { multiline?: boolean; required?: boolean } = {}): string {
  if (raw !== undefined && raw !== null && typeof raw !== "string") throw new MachineError("field_invalid", `${what} must be text.`);
  const text = (raw ?? "").trim();
  if (options.required && text === "") throw new MachineError("field_invalid", `${what} is required.`);
  if (text.length > max) throw new MachineError("field_invalid", `${what} is at most ${max} characters.`);
  const stripped = options.multiline ? text.replace(/\r?\n/g, "") : text;
  if (CONTROL_RE.test(stripped)) throw new MachineError("field_invalid", `${what} must not contain control characters.`);
  return text;
}

export const validateDescription = (raw: unknown) => validateText(raw, "The description", MAX_DESCRIPTION_LENGTH, { multiline: true });
export const validateOwner = (raw: unknown) => validateText(raw, "The owner", MAX_LABEL_LENGTH);
export const validateEnvironment = (raw: unknown) => validateText(raw, "The environment", MAX_LABEL_LENGTH);
/** Lifecycle actions are recorded with the operator's reason; it is required for all but confirm. */
export const validateReason = (raw: unknown, required = true) => validateText(raw, "The reason", MAX_REASON_LENGTH, { multiline: true, required });

export function validatePermissions(raw: unknown): MachinePermission[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new MachineError("permission_invalid", "Permissions must be a list.");
  for (const p of raw) {
    if (!isMachinePermission(p)) {
      throw new MachineError("permission_invalid", `Unknown machine permission ${JSON.stringify(String(p).slice(0, 40))}; choose from ${MACHINE_PERMISSIONS.join(", ")}.`);
    }
  }
  // Stored in catalog order, so equal sets compare equal.
  return MACHINE_PERMISSIONS.filter((p) => raw.includes(p));
}

/** The audiences whose intents a resource service may verify: normalized, without duplicates, in the order given. */
export function validateVerifyAudiences(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new MachineError("permission_invalid", "Audiences must be a list of URLs.");
  const audiences: string[] = [];
  for (const item of raw) {
    const audience = typeof item === "string" ? normalizeAudience(item) : null;
    if (audience === null) {
      throw new MachineError("permission_invalid", `Audience ${JSON.stringify(String(item).slice(0, 80))} is not an absolute http(s) URL without credentials or fragment, like https://payments.internal.example.`);
    }
    if (audience.length > 512) throw new MachineError("permission_invalid", "An audience URL is at most 512 characters.");
    if (!audiences.includes(audience)) audiences.push(audience);
  }
  if (audiences.length > MAX_VERIFY_AUDIENCES) throw new MachineError("permission_invalid", `A machine verifies intents for at most ${MAX_VERIFY_AUDIENCES} audiences.`);
  return audiences;
}

/** Everything an operator (or a ticket) says about a new machine, validated at once. */
export interface MachineProfileInput {
  name: unknown;
  description?: unknown;
  tags?: unknown;
  owner?: unknown;
  environment?: unknown;
  permissions?: unknown;
}

export interface MachineProfile {
  name: string;
  description: string;
  tags: string[];
  owner: string;
  environment: string;
  permissions: MachinePermission[];
}

export function validateProfile(input: MachineProfileInput): MachineProfile {
  return {
    name: validateName(input.name),
    description: validateDescription(input.description),
    tags: validateTags(input.tags),
    owner: validateOwner(input.owner),
    environment: validateEnvironment(input.environment),
    permissions: validatePermissions(input.permissions),
  };
}
