/** docs/approvals.md names every error code and audit event the approvals domain can produce. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { APPROVAL_ERROR_CODES } from "@/lib/approvals/errors";
import { APPROVAL_EVENTS } from "@/lib/approvals/events";

const doc = fs.readFileSync(path.join(process.cwd(), "docs", "approvals.md"), "utf8");

describe("docs/approvals.md", () => {
  it("documents every error code and every audit event", () => {
    for (const code of APPROVAL_ERROR_CODES) expect(doc, code).toContain(`| \`${code}\` |`);
    for (const type of Object.values(APPROVAL_EVENTS)) expect(doc, type).toContain(`| \`${type}\` |`);
  });
});
