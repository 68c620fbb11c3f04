/**
 * Weekday and time-of-day windows in a named IANA time zone.
 *
 * Windows are wall-clock times ("09:00 to 17:00, Monday to Friday, Europe/Berlin") because
 * that is how people state them, and the zone's rules, daylight saving included, come from
 * Intl.DateTimeFormat (the ICU database in Node and in browsers) rather than from offsets we
 * would have to keep up to date. On the day clocks go forward the skipped hour simply never
 * occurs; on the day they go back the repeated hour is inside a window both times.
 *
 * ICU is slow (several microseconds per formatToParts call in Node 20, more than the rest of a
 * small evaluation), so localTime asks it for the zone's UTC offset at both ends of the hour around
 * the instant and, when they agree, reuses that offset for the whole hour (arithmetic only).
 * When they differ, a transition falls inside the hour and every instant in it asks ICU. This
 * assumes no zone changes its offset and changes it back within one hour, which no tzdata
 * zone does. The cache is invisible in results: localTime stays a function of its arguments.
 *
 * A window whose `to` is earlier than its `from` crosses midnight and belongs to the day it
 * starts: Friday 22:00 to 02:00 covers Friday 22:00 to Saturday 02:00. `to` may be "24:00".
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeWindow {
  days?: Weekday[];
  from: string;
  to: string;
}

/** Wall-clock time in a zone: the weekday and minutes since midnight. */
export interface LocalTime {
  day: Weekday;
  minutes: number;
}

const TZ_NAME_RE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_CACHED_HOURS = 1024;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: hour number since the epoch -> UTC offset in ms for the whole hour, or null when it changes inside. */
const hourOffsets = new Map<string, Map<number, number | null>>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23", era: "short" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a named zone this runtime knows ("Europe/Berlin", "UTC"); offsets like "+01:00" are refused. */
export function isTimeZone(name: string): boolean {
  if (!TZ_NAME_RE.test(name) || name.length > 64) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" (00:00 to 24:00) as minutes since midnight, or undefined. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  return text === "24:00" ? 24 * 60 : undefined;
}

/** The zone's UTC offset (wall clock minus UTC, in ms, whole seconds) at epoch ms `t`, from ICU. */
function offsetFromIcu(timeZone: string, t: number): number {
  const v: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(t)) v[part.type] = part.value;
  const wall = new Date(0);
  const year = v.era === "BC" || v.era === "B" ? 1 - Number(v.year) : Number(v.year);
  wall.setUTCFullYear(year, Number(v.month) - 1, Number(v.day));
  wall.setUTCHours(Number(v.hour) % 24, Number(v.minute), Number(v.second), 0);
  return wall.getTime() - Math.floor(t / 1000) * 1000;
}

function offsetAt(timeZone: string, t: number): number {
  let hours = hourOffsets.get(timeZone);
  if (!hours) hourOffsets.set(timeZone, (hours = new Map()));
  const hour = Math.floor(t / HOUR_MS);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const first = offsetFromIcu(timeZone, hour * HOUR_MS);
    offset = first === offsetFromIcu(timeZone, hour * HOUR_MS + HOUR_MS - 1000) ? first : null;
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    hours.set(hour, offset);
  }
  return offset ?? offsetFromIcu(timeZone, t);
}

/** The wall-clock weekday and time at `now` in `timeZone` (which must satisfy isTimeZone). */
export function localTime(now: Date, timeZone: string): LocalTime {
  const t = now.getTime();
  if (!Number.isFinite(t)) throw new TypeError("localTime: invalid date");
  const local = t + offsetAt(timeZone, t);
  const days = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (index 3 in WEEKDAYS).
  return { day: WEEKDAYS[(((days + 3) % 7) + 7) % 7]!, minutes: Math.floor((local - days * DAY_MS) / 60_000) };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
}

/** A window checked against a local time; from/to are minutes since midnight. */
export interface CompiledWindow {
  days: ReadonlySet<Weekday>;
  from: number;
  to: number;
}

export function compileWindow(window: TimeWindow): CompiledWindow {
  return { days: new Set(window.days ?? WEEKDAYS), from: parseClock(window.from) ?? 0, to: parseClock(window.to) ?? 0 };
}

export function windowContains(w: CompiledWindow, t: LocalTime): boolean {
  if (w.from < w.to) return w.days.has(t.day) && t.minutes >= w.from && t.minutes < w.to;
  // Crosses midnight: the evening part on a listed day, the morning part on the day after one.
  return (w.days.has(t.day) && t.minutes >= w.from) || (w.days.has(previousDay(t.day)) && t.minutes < w.to);
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
