/** allowOwnerApproval in policies: validated, merged strictest-wins, absent reads as not allowed. */
import { describe, expect, it } from "vitest";
import { mergeApprovals, validatePolicy } from "@/lib/policies";
import { ownsMachine } from "@/lib/approvals/rules";
import { policyDoc, rule } from "../intents/helpers";

const approval = (allowOwnerApproval?: boolean) => ({ requirements: [{ approvers: 1 }], expiresInSeconds: 600, ...(allowOwnerApproval === undefined ? {} : { allowOwnerApproval }) });

describe("allowOwnerApproval", () => {
  it("holds after a merge only if every obligation says true", () => {
    expect(mergeApprovals([approval(true), approval(true)])?.allowOwnerApproval).toBe(true);
    expect(mergeApprovals([approval(true), approval()])).not.toHaveProperty("allowOwnerApproval");
    expect(mergeApprovals([approval(true), approval(false)])).not.toHaveProperty("allowOwnerApproval");
    expect(mergeApprovals([approval()])).toEqual({ requirements: [{ approvers: 1 }], expiresInSeconds: 600 });
  });

  it("is a boolean in the policy document", () => {
    const doc = (value: unknown) => policyDoc("P", [rule({ id: "r", approval: { ...approval(), allowOwnerApproval: value } as never })]);
    expect(validatePolicy(doc(true)).ok).toBe(true);
    const bad = validatePolicy(doc("yes"));
    expect(bad.ok).toBe(false);
  });
});

describe("machine ownership", () => {
  const op = { id: "op_1", name: "Olga Smith" };
  it("enrolled by the operator, or owner naming their id or name (any letter case)", () => {
    expect(ownsMachine({ owner: "", enrolledByType: "operator", enrolledById: "op_1" }, op)).toBe(true);
    expect(ownsMachine({ owner: "op_1", enrolledByType: "host", enrolledById: "" }, op)).toBe(true);
    expect(ownsMachine({ owner: "olga smith", enrolledByType: "host", enrolledById: "" }, op)).toBe(true);
  });
  it("not: another operator's enrollment, a host enrollment with the same id, an empty owner, a partial name", () => {
    expect(ownsMachine({ owner: "", enrolledByType: "operator", enrolledById: "op_2" }, op)).toBe(false);
    expect(ownsMachine({ owner: "", enrolledByType: "host", enrolledById: "op_1" }, op)).toBe(false);
    expect(ownsMachine({ owner: "", enrolledByType: "host", enrolledById: "" }, { id: "op_1", name: "" })).toBe(false);
    expect(ownsMachine({ owner: "Olga", enrolledByType: "host", enrolledById: "" }, op)).toBe(false);
  });
});
