/** Times and counts as the Machines pages show them. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const numbers = new Intl.NumberFormat("en-US");

/** "3 minutes ago", "in 14 minutes", "just now"; "never" for no date. */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return "never";
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  // Small differences are clock skew or a page clock a few seconds behind: not "in 10 seconds".
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60), "minute");
}

/** The exact time, in the reader's time zone (for titles and detail rows). */
export function formatAbsolute(iso: string | null): string {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function formatCount(n: number): string {
  return numbers.format(n);
}

/** Who enrolled or registered a machine, in words. */
export function describeActor(actor: { type: string; id: string; name?: string | null }): string {
  switch (actor.type) {
    case "operator":
      return actor.name ?? "an operator";
    case "host":
      return actor.id ? `host command (${actor.id})` : "host command";
    case "machine":
      return actor.name ? `provisioning machine ${actor.name}` : "provisioning machine";
    case "system":
      return "system";
    default:
      return actor.name ?? actor.type;
  }
}

/** The same rule the server applies to tags (lib/machines/validate.ts), for an early hint. */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/=-]{0,63}$/;

/** "a, b c,,d" -> ["a", "b", "c", "d"]: commas or spaces separate; no empties, no duplicates (first wins). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ""))];
}
