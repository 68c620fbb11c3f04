/**
 * Time windows: wall-clock times in named zones, checked at instants around daylight-saving
 * changes (2026: Europe/Berlin 29 March and 25 October; America/New_York 8 March and
 * 1 November) and across midnight.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { TimeWindow } from "@/lib/policies";
import { localTime } from "@/lib/policies/time";
import { decide, rule } from "./helpers";

function allowed(timeZone: string, windows: TimeWindow[], iso: string): boolean {
  const d = decide([rule({ context: { time: { timeZone, windows } } })], { context: { now: new Date(iso) } });
  return d.decision === "allow";
}

const officeHours: TimeWindow[] = [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }];

describe("office hours in two zones", () => {
  it.each([
    ["Europe/Berlin", "2026-06-10T07:00:00Z", true], // Wed 09:00 CEST
    ["Europe/Berlin", "2026-06-10T06:59:59Z", false], // 08:59
    ["Europe/Berlin", "2026-06-10T14:59:00Z", true], // 16:59
    ["Europe/Berlin", "2026-06-10T15:00:00Z", false], // 17:00: `to` is exclusive
    ["Europe/Berlin", "2026-01-14T08:00:00Z", true], // Wed 09:00 CET (winter)
    ["Europe/Berlin", "2026-01-14T07:59:00Z", false],
    ["Europe/Berlin", "2026-06-13T10:00:00Z", false], // Saturday
    ["America/New_York", "2026-06-10T15:30:00Z", true], // 11:30 EDT
    ["Europe/Berlin", "2026-06-10T15:30:00Z", false], // same instant, 17:30 in Berlin
    ["America/New_York", "2026-06-10T03:00:00Z", false], // Tue 23:00 EDT
    ["UTC", "2026-06-10T16:59:00Z", true],
    ["Asia/Kolkata", "2026-06-10T03:30:00Z", true], // 09:00 IST (+05:30)
    ["Asia/Kolkata", "2026-06-10T03:29:00Z", false],
  ])("%s at %s: %s", (zone, iso, expected) => {
    expect(allowed(zone, officeHours, iso)).toBe(expected);
  });
});

describe("daylight-saving changes", () => {
  it("Berlin, spring forward (Sunday 29 March 2026, 02:00 CET becomes 03:00 CEST)", () => {
    const sunday = (from: string, to: string): TimeWindow[] => [{ days: ["sun"], from, to }];
    // The hour 02:00-03:00 does not exist that day.
    for (const iso of ["2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"]) expect(allowed("Europe/Berlin", sunday("02:00", "03:00"), iso)).toBe(false);
    expect(allowed("Europe/Berlin", sunday("02:30", "03:30"), "2026-03-29T00:59:00Z")).toBe(false); // 01:59 CET
    expect(allowed("Europe/Berlin", sunday("02:30", "03:30"), "2026-03-29T01:00:00Z")).toBe(true); // 03:00 CEST
    expect(allowed("Europe/Berlin", sunday("02:30", "03:30"), "2026-03-29T01:30:00Z")).toBe(false); // 03:30 CEST
    // 09:00 local is 07:00 UTC after the change (08:00 UTC the day before).
    expect(allowed("Europe/Berlin", sunday("09:00", "10:00"), "2026-03-29T07:00:00Z")).toBe(true);
    expect(allowed("Europe/Berlin", [{ days: ["sat"], from: "09:00", to: "10:00" }], "2026-03-28T07:00:00Z")).toBe(false);
    expect(allowed("Europe/Berlin", [{ days: ["sat"], from: "09:00", to: "10:00" }], "2026-03-28T08:00:00Z")).toBe(true);
  });

  it("Berlin, fall back (Sunday 25 October 2026, 03:00 CEST becomes 02:00 CET): the repeated hour is inside both times", () => {
    const w: TimeWindow[] = [{ days: ["sun"], from: "02:00", to: "03:00" }];
    expect(allowed("Europe/Berlin", w, "2026-10-24T23:59:00Z")).toBe(false); // 01:59 CEST
    expect(allowed("Europe/Berlin", w, "2026-10-25T00:30:00Z")).toBe(true); // 02:30 CEST
    expect(allowed("Europe/Berlin", w, "2026-10-25T01:30:00Z")).toBe(true); // 02:30 CET
    expect(allowed("Europe/Berlin", w, "2026-10-25T02:00:00Z")).toBe(false); // 03:00 CET
  });

  it("New York, spring forward (Sunday 8 March 2026): 09:00 local is 13:00 UTC that day, 14:00 UTC the day before", () => {
    const w = (day: "sat" | "sun"): TimeWindow[] => [{ days: [day], from: "09:00", to: "17:00" }];
    expect(allowed("America/New_York", w("sat"), "2026-03-07T13:30:00Z")).toBe(false); // 08:30 EST
    expect(allowed("America/New_York", w("sat"), "2026-03-07T14:00:00Z")).toBe(true);
    expect(allowed("America/New_York", w("sun"), "2026-03-08T13:00:00Z")).toBe(true); // 09:00 EDT
    expect(allowed("America/New_York", w("sun"), "2026-03-08T12:59:00Z")).toBe(false);
    expect(allowed("America/New_York", w("sun"), "2026-03-08T21:00:00Z")).toBe(false); // 17:00 EDT
  });

  it("New York, fall back (Sunday 1 November 2026): 01:00-02:00 happens twice", () => {
    const w: TimeWindow[] = [{ days: ["sun"], from: "01:00", to: "02:00" }];
    expect(allowed("America/New_York", w, "2026-11-01T05:30:00Z")).toBe(true); // 01:30 EDT
    expect(allowed("America/New_York", w, "2026-11-01T06:30:00Z")).toBe(true); // 01:30 EST
    expect(allowed("America/New_York", w, "2026-11-01T07:00:00Z")).toBe(false); // 02:00 EST
  });

  it("a night window spanning the spring-forward night in New York", () => {
    const w: TimeWindow[] = [{ days: ["sat"], from: "23:00", to: "04:00" }];
    expect(allowed("America/New_York", w, "2026-03-08T04:00:00Z")).toBe(true); // Sat 23:00 EST
    expect(allowed("America/New_York", w, "2026-03-08T06:59:00Z")).toBe(true); // Sun 01:59 EST
    expect(allowed("America/New_York", w, "2026-03-08T07:00:00Z")).toBe(true); // Sun 03:00 EDT
    expect(allowed("America/New_York", w, "2026-03-08T07:59:00Z")).toBe(true); // 03:59 EDT
    expect(allowed("America/New_York", w, "2026-03-08T08:00:00Z")).toBe(false); // 04:00 EDT
  });
});

describe("windows across midnight", () => {
  const night: TimeWindow[] = [{ days: ["fri"], from: "22:00", to: "02:00" }];
  it.each([
    ["2026-06-12T21:59:00Z", false], // Fri 21:59
    ["2026-06-12T22:00:00Z", true], // Fri 22:00
    ["2026-06-12T23:59:00Z", true],
    ["2026-06-13T00:00:00Z", true], // Sat 00:00, belongs to Friday's window
    ["2026-06-13T01:59:00Z", true],
    ["2026-06-13T02:00:00Z", false],
    ["2026-06-12T01:00:00Z", false], // Fri 01:00: Thursday's window, not listed
    ["2026-06-13T22:30:00Z", false], // Sat evening
  ])("Friday 22:00-02:00 UTC at %s: %s", (iso, expected) => {
    expect(allowed("UTC", night, iso)).toBe(expected);
  });

  it("across midnight in a zone: Sunday 23:00 to Monday 01:00 Berlin time", () => {
    const w: TimeWindow[] = [{ days: ["sun"], from: "23:00", to: "01:00" }];
    expect(allowed("Europe/Berlin", w, "2026-06-14T21:30:00Z")).toBe(true); // Sun 23:30 CEST
    expect(allowed("Europe/Berlin", w, "2026-06-14T22:30:00Z")).toBe(true); // Mon 00:30 CEST
    expect(allowed("UTC", w, "2026-06-14T22:30:00Z")).toBe(false); // Sun 22:30 UTC
  });
});

describe("window forms", () => {
  it("leaving out days means every day; 24:00 closes a window at midnight", () => {
    const w: TimeWindow[] = [{ from: "18:00", to: "24:00" }];
    expect(allowed("UTC", w, "2026-06-13T23:59:00Z")).toBe(true);
    expect(allowed("UTC", w, "2026-06-14T00:00:00Z")).toBe(false);
    expect(allowed("UTC", w, "2026-06-10T18:00:00Z")).toBe(true);
  });

  it("several windows: any one is enough", () => {
    const w: TimeWindow[] = [
      { days: ["mon"], from: "08:00", to: "09:00" },
      { days: ["wed"], from: "11:00", to: "13:00" },
    ];
    expect(allowed("UTC", w, "2026-06-10T12:00:00Z")).toBe(true);
    expect(allowed("UTC", w, "2026-06-08T12:00:00Z")).toBe(false);
  });

  it("explains a miss with the local day and time", () => {
    const d = decide([rule({ context: { time: { timeZone: "Europe/Berlin", windows: officeHours } } })], { context: { now: new Date("2026-06-13T10:00:00Z") } });
    expect(d.notMatched[0]!.failed).toEqual({ kind: "time", problem: "mismatch", timeZone: "Europe/Berlin", windows: officeHours, actual: { day: "sat", time: "12:00" } });
  });

  it("a time window limits a deny rule too: outside it the deny does not apply", () => {
    const rules = [rule({ id: "any" }), rule({ id: "no-weekend", effect: "deny", context: { time: { timeZone: "UTC", windows: [{ days: ["sat", "sun"], from: "00:00", to: "24:00" }] } } })];
    expect(decide(rules, { context: { now: new Date("2026-06-13T10:00:00Z") } }).decision).toBe("deny");
    expect(decide(rules, { context: { now: new Date("2026-06-12T10:00:00Z") } }).decision).toBe("allow");
  });
});

describe("localTime (cached hourly offsets) agrees with ICU at every instant", () => {
  // Zones with half-hour and 45-minute offsets, half-hour DST shifts, frequent changes, and
  // historical offsets in seconds (Africa/Monrovia was -00:44:30 until 1972).
  const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca", "Antarctica/Troll", "Africa/Monrovia", "Europe/Dublin", "Pacific/Kiritimati"];
  const reference = (now: Date, timeZone: string) => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    return { day: get("weekday").toLowerCase(), minutes: (Number(get("hour")) % 24) * 60 + Number(get("minute")) };
  };

  it("over random instants from 1950 to 2040", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.date({ min: new Date("1950-01-01T00:00:00Z"), max: new Date("2040-12-31T00:00:00Z"), noInvalidDate: true }), (zone, now) => {
        expect(localTime(now, zone)).toEqual(reference(now, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it("minute by minute across the 2026 transitions", () => {
    const around = ["2026-03-29T00:00:00Z", "2026-10-25T00:00:00Z", "2026-03-08T05:00:00Z", "2026-11-01T04:00:00Z", "2026-04-04T14:00:00Z", "2026-10-03T15:00:00Z"];
    for (const start of around) {
      for (let m = 0; m < 4 * 60; m += 7) {
        const now = new Date(Date.parse(start) + m * 60_000 + 13_000);
        for (const zone of zones) expect(localTime(now, zone), `${zone} ${now.toISOString()}`).toEqual(reference(now, zone));
      }
    }
  });
});
