/**
 * CSV (RFC 4180): fields with a comma, quote, CR or LF are quoted with quotes doubled, and
 * records end with CRLF (CSV_NEWLINE). One more rule, for spreadsheets: a cell starting with = + - @ (or tab / CR, which some spreadsheets skip before a formula)
 * gets a leading apostrophe, so machine-supplied text such as `=HYPERLINK(...)` is shown, not
 * run (OWASP "CSV injection"). The apostrophe is visible in the file: the data is changed
 * for safety, which docs/audit.md states.
 */
export const CSV_NEWLINE = "\r\n";
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: readonly string[]): string {
  return values.map(csvCell).join(",");
}
