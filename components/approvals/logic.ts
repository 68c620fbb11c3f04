/**
 * The Approvals page's pure rules, apart from React so they can be tested on their own: the
 * countdown's wording, approval progress, shortened parameters, and the execution window an
 * approver may choose.
 */
import type { RequirementView } from "@/lib/approvals/wire";

export const POLICY_WINDOW = "policy";
export const CUSTOM_WINDOW = "custom";

/** "1 h 5 min", "9 min 58 s", "45 s": a countdown precise enough to act on. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

/** "1 of 2 approvals": counted per requirement, since a team requirement needs its own approvers. */
export function approvalProgress(requirements: RequirementView[]): string {
  const required = requirements.reduce((n, r) => n + r.approvers, 0);
  const received = requirements.reduce((n, r) => n + Math.min(r.approvedBy.length, r.approvers), 0);
  return `${received} of ${required} approval${required === 1 ? "" : "s"}`;
}

/** Strings longer than this are shortened until the operator asks for everything. */
const SHORT_STRING = 160;

/** The parameters with long strings cut, and how many were cut. Keys are kept as they are. */
export function shortenParams(value: unknown): { value: unknown; cut: number } {
  if (typeof value === "string" && value.length > SHORT_STRING) {
    return { value: `${value.slice(0, SHORT_STRING)}… [${value.length - SHORT_STRING} more characters]`, cut: 1 };
  }
  if (Array.isArray(value)) {
    const parts = value.map(shortenParams);
    return { value: parts.map((p) => p.value), cut: parts.reduce((n, p) => n + p.cut, 0) };
  }
  if (value !== null && typeof value === "object") {
    let cut = 0;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const part = shortenParams(v);
      cut += part.cut;
      // defineProperty: a machine-chosen "__proto__" key stays an ordinary key.
      Object.defineProperty(out, k, { value: part.value, enumerable: true, writable: true, configurable: true });
    }
    return { value: out, cut };
  }
  return { value, cut: 0 };
}

/** The execution window the operator chose, or an error sentence; undefined keeps the policy's. */
export function chosenWindow(choice: string, custom: string, max: number | null): { seconds?: number; error?: string } {
  if (choice === POLICY_WINDOW) return {};
  const seconds = Number(choice === CUSTOM_WINDOW ? custom : choice);
  if (!Number.isInteger(seconds) || seconds < 1) return { error: "Enter a whole number of seconds, at least 1." };
  if (max !== null && seconds > max) return { error: `At most ${max} seconds (${formatDuration(max)}): an approver may shorten the policy's window, not extend it.` };
  return { seconds };
}

