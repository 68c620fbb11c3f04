import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withAuthProblemTable } from "@/lib/auth/problems-doc";
import { AUTH_PROBLEM_CODES, AUTH_PROBLEMS, authProblemResponse } from "@/lib/auth/problems";
import { VERIFY_FAILURE_CODES } from "@/lib/protocol/httpsig/errors";
import { DIGEST_FAILURE_CODES } from "@/lib/protocol/digest";

const DOC = path.join(process.cwd(), "docs", "protocol.md");

describe("the problems table", () => {
  it("covers every failure code the protocol library can return", () => {
    for (const code of [...VERIFY_FAILURE_CODES, ...DIGEST_FAILURE_CODES]) expect(AUTH_PROBLEMS).toHaveProperty(code);
    expect(new Set(AUTH_PROBLEM_CODES).size).toBe(AUTH_PROBLEM_CODES.length);
  });

  it("uses 401 for authentication failures, 403 for disabled keys, 400 for malformed input", () => {
    for (const code of ["signature_missing", "signature_invalid", "key_unknown", "expired", "not_yet_valid", "too_old", "replayed", "digest_mismatch"] as const) {
      expect(AUTH_PROBLEMS[code].status).toBe(401);
    }
    expect([AUTH_PROBLEMS.key_revoked.status, AUTH_PROBLEMS.key_suspended.status]).toEqual([403, 403]);
    for (const code of ["signature_malformed", "signature_params_missing", "component_missing", "digest_malformed"] as const) expect(AUTH_PROBLEMS[code].status).toBe(400);
    expect(AUTH_PROBLEMS.body_too_large.status).toBe(413);
  });

  it("answers RFC 9457 problem+json with a stable type", async () => {
    const response = authProblemResponse("replayed");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "https://pteri.dev/problems/replayed",
      code: "replayed",
      title: AUTH_PROBLEMS.replayed.title,
      status: 401,
      detail: AUTH_PROBLEMS.replayed.fix,
    });
  });

  it("is documented in docs/protocol.md exactly as the code defines it", () => {
    let doc = fs.readFileSync(DOC, "utf8");
    const expected = withAuthProblemTable(doc);
    if (process.env.UPDATE_DOCS === "1" && expected !== doc) fs.writeFileSync(DOC, (doc = expected));
    expect(doc, "docs/protocol.md is out of date: run UPDATE_DOCS=1 npx vitest run tests/auth/problems-doc.test.ts").toBe(expected);
    for (const code of AUTH_PROBLEM_CODES) expect(doc).toContain(`\`${code}\``);
  });
});
