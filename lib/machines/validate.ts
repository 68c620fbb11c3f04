/** Input rules for machine records; each failure is a MachineError naming what to fix. */
import { MachineError } from "./errors";

export const MAX_NAME_LENGTH = 100;
export const MAX_TAGS = 32;
const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._:/=-]{0,63}$/;
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
