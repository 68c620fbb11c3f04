/** IPv4 and IPv6 parsing, CIDR containment, and the source-address condition in rules. */
import { describe, expect, it } from "vitest";
import { cidrContains, parseCidr, parseIp } from "@/lib/policies/cidr";
import { cidrProblem } from "@/lib/policies";
import { decide, rule } from "./helpers";

describe("parseIp", () => {
  it.each([
    ["192.0.2.1", [192, 0, 2, 1]],
    ["0.0.0.0", [0, 0, 0, 0]],
    ["255.255.255.255", [255, 255, 255, 255]],
    ["::ffff:192.0.2.1", [192, 0, 2, 1]],
    ["::FFFF:c000:0201", [192, 0, 2, 1]],
  ])("%s", (text, bytes) => {
    expect([...parseIp(text)!]).toEqual(bytes);
  });

  it.each([
    ["2001:db8::1", "20010db8000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["1::", "00010000000000000000000000000000"],
    ["2001:DB8:0:0:8:800:200C:417A", "20010db80000000000080800200c417a"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
    ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
  ])("%s", (text, hex) => {
    expect(Buffer.from(parseIp(text)!).toString("hex")).toBe(hex);
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.04", "1.2.3.-1", "1.2.3.4 ", " 1.2.3.4", "0x7f.0.0.1", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "g::1", "1.2.3.4::", "::1.2.3", ":1::", "1:2:3:4:5:6:7:8::", "localhost"])(
    "refuses %j",
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe("CIDR ranges", () => {
  const contains = (range: string, address: string) => cidrContains(parseCidr(range)!, parseIp(address)!);

  it.each([
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["192.0.2.0/24", "192.0.2.255", true],
    ["192.0.2.0/24", "192.0.3.0", false],
    ["192.0.2.128/25", "192.0.2.127", false],
    ["192.0.2.128/25", "192.0.2.128", true],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.0", false],
    ["192.0.2.7", "192.0.2.7", true],
    ["192.0.2.7", "192.0.2.8", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["0.0.0.0/0", "2001:db8::1", false],
    ["192.0.2.0/24", "::ffff:192.0.2.10", true],
    ["::ffff:192.0.2.0/120", "192.0.2.10", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["2001:db8:abcd:12::/63", "2001:db8:abcd:13::1", true],
    ["2001:db8:abcd:12::/63", "2001:db8:abcd:14::1", false],
    ["::1/128", "::1", true],
    ["::/0", "2001:db8::1", true],
    ["::/0", "192.0.2.1", false],
    ["2001:db8::/32", "192.0.2.1", false],
  ])("%s contains %s: %s", (range, address, expected) => {
    expect(contains(range, address)).toBe(expected);
  });

  it.each([
    ["192.0.2.0/24", undefined],
    ["2001:db8::/32", undefined],
    ["192.0.2.1", undefined],
    ["192.0.2.1/24", "bits set after the /24 prefix"],
    ["2001:db8::1/32", "bits set after the /32 prefix"],
    ["192.0.2.0/33", "not an IPv4 or IPv6"],
    ["2001:db8::/129", "not an IPv4 or IPv6"],
    ["192.0.2.0/08", "not an IPv4 or IPv6"],
    ["192.0.2.0/", "not an IPv4 or IPv6"],
    ["example.com/24", "not an IPv4 or IPv6"],
  ])("cidrProblem(%s)", (text, problem) => {
    const found = cidrProblem(text);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("source addresses in rules", () => {
  const office = rule({ id: "office", context: { sourceAddresses: ["192.0.2.0/24", "2001:db8::/32"] } });
  const blocked = rule({ id: "blocked", effect: "deny", context: { sourceAddresses: ["203.0.113.0/24"] } });
  const at = (sourceAddress?: string) => ({ context: { now: new Date("2026-06-10T12:00:00Z"), ...(sourceAddress === undefined ? {} : { sourceAddress }) } });

  it.each([
    ["192.0.2.44", "allow"],
    ["2001:db8::44", "allow"],
    ["::ffff:192.0.2.44", "allow"],
    ["198.51.100.1", "deny"],
  ])("allow rule from %s: %s", (address, decision) => {
    expect(decide([office], at(address)).decision).toBe(decision);
  });

  it("an unknown or unparseable address never satisfies an allow rule", () => {
    expect(decide([office], at()).notMatched[0]!.failed).toEqual({ kind: "source_address", problem: "missing", expected: ["192.0.2.0/24", "2001:db8::/32"] });
    expect(decide([office], at("not-an-ip")).notMatched[0]!.failed).toMatchObject({ kind: "source_address", problem: "invalid", actual: "not-an-ip" });
  });

  it("a deny rule on addresses applies to its ranges, and to unknown addresses", () => {
    const rules = [rule({ id: "any" }), blocked];
    expect(decide(rules, at("203.0.113.5")).decision).toBe("deny");
    expect(decide(rules, at("192.0.2.5")).decision).toBe("allow");
    const unknown = decide(rules, at());
    expect(unknown.decision).toBe("deny");
    expect(unknown.decidedBy[0]!.undecided).toMatchObject({ kind: "source_address", problem: "missing" });
  });
});
