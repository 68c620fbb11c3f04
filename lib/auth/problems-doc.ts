/**
 * The problems table rendered as Markdown for docs/protocol.md, so the documentation is
 * generated from the code and cannot drift (tests/auth/problems-doc.test.ts compares them;
 * `UPDATE_DOCS=1 npx vitest run tests/auth/problems-doc.test.ts` rewrites the section).
 */
import { AUTH_PROBLEM_CODES, AUTH_PROBLEMS } from "./problems";

export const PROBLEMS_BEGIN = "<!-- auth-problems:begin (generated from lib/auth/problems.ts) -->";
export const PROBLEMS_END = "<!-- auth-problems:end -->";

const escape = (text: string) => text.replace(/\|/g, "\\|");

export function renderAuthProblemTable(): string {
  const rows = AUTH_PROBLEM_CODES.map((code) => {
    const p = AUTH_PROBLEMS[code];
    return `| \`${code}\` | ${p.status} | ${escape(p.title)} | ${escape(p.fix)} |`;
  });
  return ["| type (`code`) | status | title | what to fix |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** Replaces the generated section of a document; throws when its markers are missing. */
export function withAuthProblemTable(doc: string): string {
  const begin = doc.indexOf(PROBLEMS_BEGIN);
  const end = doc.indexOf(PROBLEMS_END);
  if (begin < 0 || end < begin) throw new Error("the document lacks the auth-problems markers");
  return `${doc.slice(0, begin + PROBLEMS_BEGIN.length)}\n${renderAuthProblemTable()}\n${doc.slice(end)}`;
}
