// The Approvals page's pure rules (components/approvals/logic.ts): what the countdown says, how
// progress is counted, how long parameters are shortened without losing what they are, and
// which execution windows an approver may pick.
import { describe, expect, it } from "vitest";
import { approvalProgress, chosenWindow, CUSTOM_WINDOW, formatDuration, POLICY_WINDOW, shortenParams } from "@/components/approvals/logic";

describe("formatDuration", () => {
  it("says seconds, minutes, hours and days to the precision an approver acts on", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(45.9)).toBe("45 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(598)).toBe("9 min 58 s");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3900)).toBe("1 h 5 min");
    expect(formatDuration(90_000)).toBe("1 d 1 h");
    expect(formatDuration(-5)).toBe("0 s");
  });
});

describe("approvalProgress", () => {
  const who = (n: number) => Array.from({ length: n }, (_, i) => ({ operatorId: `op${i}`, operatorName: `Op ${i}` }));
  it("counts approvals per requirement, never more than a requirement needs", () => {
    expect(approvalProgress([{ approvers: 2, team: null, approvedBy: [] }])).toBe("0 of 2 approvals");
    expect(approvalProgress([{ approvers: 2, team: null, approvedBy: who(1) }])).toBe("1 of 2 approvals");
    expect(approvalProgress([{ approvers: 1, team: null, approvedBy: who(1) }])).toBe("1 of 1 approval");
    // Three approvers for "anyone" do not make up for a missing security approver.
    expect(
      approvalProgress([
        { approvers: 1, team: "security", approvedBy: [] },
        { approvers: 2, team: null, approvedBy: who(3) },
      ]),
    ).toBe("2 of 3 approvals");
  });
});

describe("shortenParams", () => {
  it("cuts long strings anywhere in the document, counts them, and keeps every key", () => {
    const long = "y".repeat(500);
    const { value, cut } = shortenParams({ a: long, list: ["short", long], nested: { b: long, n: 5, t: true, z: null } });
    expect(cut).toBe(3);
    const text = JSON.stringify(value);
    expect(text).not.toContain(long);
    expect(text).toContain(`${"y".repeat(160)}… [340 more characters]`);
    expect(value).toMatchObject({ list: ["short", expect.any(String)], nested: { n: 5, t: true, z: null } });
  });

  it("leaves short documents exactly as they are, markup included", () => {
    const params = { "<script>alert(1)</script>": "<img src=x onerror=alert(1)>", n: [1, 2] };
    const { value, cut } = shortenParams(params);
    expect(cut).toBe(0);
    expect(JSON.stringify(value)).toBe(JSON.stringify(params));
  });

  it("keeps a __proto__ member an ordinary key (it does not become the prototype)", () => {
    const params = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const { value } = shortenParams(params);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(["__proto__", "x"]);
    expect(JSON.stringify(value)).toBe(JSON.stringify(params));
  });
});

describe("chosenWindow", () => {
  it("keeps the policy's window unless the approver picks another", () => {
    expect(chosenWindow(POLICY_WINDOW, "", 600)).toEqual({});
    expect(chosenWindow("300", "", 600)).toEqual({ seconds: 300 });
    expect(chosenWindow(CUSTOM_WINDOW, "600", 600)).toEqual({ seconds: 600 });
  });

  it("refuses a longer window than the policy's, and anything but a positive whole number", () => {
    expect(chosenWindow(CUSTOM_WINDOW, "601", 600).error).toMatch(/^At most 600 seconds \(10 min\)/);
    for (const bad of ["", "0", "-5", "1.5", "ten"]) expect(chosenWindow(CUSTOM_WINDOW, bad, 600).error).toBe("Enter a whole number of seconds, at least 1.");
  });

  it("leaves the limit to the server when the policy names none", () => {
    expect(chosenWindow(CUSTOM_WINDOW, "86400", null)).toEqual({ seconds: 86_400 });
  });
});
