/**
 * The policy format: a complete valid document, and invalid ones reported at the JSON path of
 * the field at fault (what the editor shows next to each control).
 */
import { describe, expect, it } from "vitest";
import { parsePolicy, policyDigest, PolicyValidationError, validatePolicy, type PolicyDocument } from "@/lib/policies";

const VALID: PolicyDocument = {
  format: "pteri.policy/v1",
  name: "Payments",
  description: "Who may move money.\nReviewed quarterly.",
  targets: { machines: ["cm0abc123"], tagSelectors: [["team:payments", "env:prod"], ["role:payout-worker"]] },
  rules: [
    {
      id: "small-transfers",
      description: "Up to 1,000 EUR/USD during office hours from the office network.",
      effect: "allow",
      actions: ["payments.transfer", "payments.refund.*"],
      resources: ["accounts/*/payouts", "accounts/acme/**"],
      conditions: [
        { field: "params.amount", operator: "lte", value: 1000 },
        { field: "params.currency", operator: "in", value: ["EUR", "USD"] },
        { field: "params.reference", operator: "regex", value: "INV-[0-9]{4,10}" },
        { field: "params.beneficiary.email", operator: "glob", value: "*@example.com" },
        { field: "params.dryRun", operator: "exists", value: false },
        { field: "params.channel", operator: "ne", value: null },
      ],
      context: {
        time: { timeZone: "Europe/Berlin", windows: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "18:00" }, { days: ["sat"], from: "22:00", to: "02:00" }] },
        sourceAddresses: ["192.0.2.0/24", "2001:db8::/32"],
      },
      rateLimit: { max: 100, windowSeconds: 3600 },
    },
    {
      id: "large-transfers",
      effect: "allow",
      actions: ["payments.transfer"],
      resources: ["**"],
      conditions: [{ field: "params.amount", operator: "gt", value: 1000 }],
      approval: { requirements: [{ approvers: 1, team: "security" }, { approvers: 2, team: "finance" }], expiresInSeconds: 86400, executionWindowSeconds: 900 },
    },
    { id: "no-crypto", effect: "deny", actions: ["*"], resources: ["**"], conditions: [{ field: "params.currency", operator: "in", value: ["BTC", "ETH"] }] },
  ],
};

type Path = (string | number)[];
const DELETE = Symbol("delete");

/** A deep copy of VALID with the value at each path replaced (or deleted). */
function edited(...edits: [Path, unknown][]): unknown {
  const doc: unknown = JSON.parse(JSON.stringify(VALID));
  for (const [path, value] of edits) {
    let parent = doc as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (value === DELETE) delete parent[last];
    else parent[last] = value;
  }
  return doc;
}

function issuesOf(input: unknown) {
  const result = validatePolicy(input);
  if (result.ok) throw new Error("expected the document to be invalid");
  return result.issues;
}

describe("a valid document", () => {
  it("validates and comes back unchanged (no transforms, no defaults)", () => {
    const result = validatePolicy(VALID);
    expect(result.ok).toBe(true);
    expect(result.ok && result.document).toEqual(VALID);
  });

  it("the minimal document", () => {
    expect(validatePolicy({ format: "pteri.policy/v1", name: "x", targets: { all: true }, rules: [] }).ok).toBe(true);
  });
});

describe("invalid documents: each problem at its path", () => {
  it.each<[string, Path, unknown, string, string]>([
    ["wrong format", ["format"], "pteri.policy/v2", "format", 'format must be "pteri.policy/v1"'],
    ["missing name", ["name"], DELETE, "name", "name is required."],
    ["empty name", ["name"], "", "name", "cannot be empty"],
    ["multi-line name", ["name"], "a\nb", "name", "single line"],
    ["control character", ["description"], "a\u0007b", "description", "control characters"],
    ["unknown top-level field", ["ruels"], [], "ruels", 'Unknown field "ruels"'],
    ["misspelt rule field", ["rules", 0, "condtions"], [], "rules[0].condtions", 'Unknown field "condtions"'],
    ["no target", ["targets"], {}, "targets", "Target something"],
    ["empty tag selector", ["targets", "tagSelectors"], [[]], "targets.tagSelectors[0]", "at least one tag"],
    ["bad tag", ["targets", "tagSelectors"], [["has space"]], "targets.tagSelectors[0][0]", "A tag is"],
    ["bad machine id", ["targets", "machines"], ["a/b"], "targets.machines[0]", "machine id"],
    ["duplicate rule id", ["rules", 1, "id"], "small-transfers", "rules[1].id", "already used"],
    ["bad rule id", ["rules", 0, "id"], "-x", "rules[0].id", "rule id"],
    ["bad effect", ["rules", 0, "effect"], "permit", "rules[0].effect", "allow or deny"],
    ["no actions", ["rules", 0, "actions"], [], "rules[0].actions", "at least one action"],
    ["bad action", ["rules", 0, "actions", 1], "payments.*.refund", "rules[0].actions[1]", "An action is"],
    ["bad resource", ["rules", 0, "resources", 1], "accounts/x**", "rules[0].resources[1]", '"**" must be a whole segment'],
    ["bad field", ["rules", 0, "conditions", 0, "field"], "amount", "rules[0].conditions[0].field", "A field is params"],
    ["unknown operator", ["rules", 0, "conditions", 0, "operator"], "between", "rules[0].conditions[0].operator", "The operator must be one of"],
    ["missing operator", ["rules", 0, "conditions", 0, "operator"], DELETE, "rules[0].conditions[0].operator", "operator is required."],
    ["number operator, string value", ["rules", 0, "conditions", 0, "value"], "1000", "rules[0].conditions[0].value", "must be a number"],
    ["empty list", ["rules", 0, "conditions", 1, "value"], [], "rules[0].conditions[1].value", "at least one value"],
    ["object in list", ["rules", 0, "conditions", 1, "value"], [{}], "rules[0].conditions[1].value[0]", "must be a string, a number"],
    ["unsafe regex", ["rules", 0, "conditions", 2, "value"], "(a+)+$", "rules[0].conditions[2].value", "repeated without bound"],
    ["invalid regex", ["rules", 0, "conditions", 2, "value"], "[a-", "rules[0].conditions[2].value", "Not a valid regular expression"],
    ["exists with a string", ["rules", 0, "conditions", 4, "value"], "no", "rules[0].conditions[4].value", "true (the field is present)"],
    ["unknown time zone", ["rules", 0, "context", "time", "timeZone"], "Europe/Atlantis", "rules[0].context.time.timeZone", "time zone"],
    ["offset instead of a zone", ["rules", 0, "context", "time", "timeZone"], "+01:00", "rules[0].context.time.timeZone", "time zone"],
    ["bad clock", ["rules", 0, "context", "time", "windows", 0, "from"], "8:00", "rules[0].context.time.windows[0].from", "HH:MM"],
    ["from 24:00", ["rules", 0, "context", "time", "windows", 0, "from"], "24:00", "rules[0].context.time.windows[0].from", "23:59"],
    ["empty window", ["rules", 0, "context", "time", "windows", 0, "to"], "08:00", "rules[0].context.time.windows[0].to", "same time"],
    ["bad day", ["rules", 0, "context", "time", "windows", 0, "days", 0], "monday", "rules[0].context.time.windows[0].days[0]", "A day is one of"],
    ["host bits in CIDR", ["rules", 0, "context", "sourceAddresses", 0], "192.0.2.1/24", "rules[0].context.sourceAddresses[0]", "first address"],
    ["not an address", ["rules", 0, "context", "sourceAddresses", 1], "office", "rules[0].context.sourceAddresses[1]", "not an IPv4 or IPv6"],
    ["rate limit of zero", ["rules", 0, "rateLimit", "max"], 0, "rules[0].rateLimit.max", "at least 1"],
    ["fractional window", ["rules", 0, "rateLimit", "windowSeconds"], 1.5, "rules[0].rateLimit.windowSeconds", "whole number"],
    ["approval on deny", ["rules", 2, "approval"], VALID.rules[1]!.approval, "rules[2].approval", "Only an allow rule"],
    ["rate limit on deny", ["rules", 2, "rateLimit"], { max: 1, windowSeconds: 60 }, "rules[2].rateLimit", "Only an allow rule"],
    ["no requirements", ["rules", 1, "approval", "requirements"], [], "rules[1].approval.requirements", "at least one approval requirement"],
    ["zero approvers", ["rules", 1, "approval", "requirements", 0, "approvers"], 0, "rules[1].approval.requirements[0].approvers", "At least one approver"],
    ["duplicate team", ["rules", 1, "approval", "requirements", 1, "team"], "security", "rules[1].approval.requirements[1].team", 'Team "security" already'],
    ["short expiry", ["rules", 1, "approval", "expiresInSeconds"], 30, "rules[1].approval.expiresInSeconds", "at least 60 seconds"],
    ["long execution window", ["rules", 1, "approval", "executionWindowSeconds"], 40 * 86400, "rules[1].approval.executionWindowSeconds", "at most"],
  ])("%s", (_name, path, value, at, message) => {
    const issues = issuesOf(edited([path, value]));
    expect(issues.map((i) => i.at)).toContain(at);
    expect(issues.find((i) => i.at === at)!.message).toContain(message);
  });

  it("reports every problem at once, not just the first", () => {
    const d = edited([["name"], ""], [["rules", 0, "conditions", 0, "value"], "x"], [["rules", 1, "approval", "expiresInSeconds"], 1]);
    expect(issuesOf(d).map((i) => i.at)).toEqual(["name", "rules[0].conditions[0].value", "rules[1].approval.expiresInSeconds"]);
  });

  it("gives paths as arrays and as JSON Pointers (RFC 6901)", () => {
    const d = edited([["rules", 0, "conditions", 1, "value"], []], [["targets", "tagSelectors"], [["ok"], ["a b"]]], [["a/b~c"], 1]);
    const issues = issuesOf(d);
    expect(issues).toContainEqual({ path: ["rules", 0, "conditions", 1, "value"], pointer: "/rules/0/conditions/1/value", at: "rules[0].conditions[1].value", message: "The list needs at least one value." });
    expect(issues).toContainEqual(expect.objectContaining({ pointer: "/targets/tagSelectors/1/0", at: "targets.tagSelectors[1][0]" }));
    expect(issues).toContainEqual(expect.objectContaining({ pointer: "/a~1b~0c", at: '["a/b~c"]' }));
  });

  it.each([null, 42, "policy", [], { format: "pteri.policy/v1" }])("non-documents (%j) are refused without throwing", (input) => {
    expect(validatePolicy(input).ok).toBe(false);
  });

  it("parsePolicy throws PolicyValidationError carrying the issues", () => {
    const d = edited([["name"], ""]);
    try {
      parsePolicy(d);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      expect((error as PolicyValidationError).issues[0]!.at).toBe("name");
      expect((error as Error).message).toContain("name: A policy name cannot be empty.");
    }
  });
});

describe("policyDigest", () => {
  it("is a SHA-256 hex digest that ignores key order and whitespace", () => {
    const reordered = JSON.parse(JSON.stringify({ rules: VALID.rules, targets: VALID.targets, name: VALID.name, description: VALID.description, format: VALID.format }, null, 4));
    expect(policyDigest(VALID)).toMatch(/^[0-9a-f]{64}$/);
    expect(policyDigest(reordered)).toBe(policyDigest(VALID));
  });

  it("changes with any change of meaning", () => {
    const d = edited([["rules", 0, "conditions", 0, "value"], 1001]);
    expect(policyDigest(d as PolicyDocument)).not.toBe(policyDigest(VALID));
  });
});
