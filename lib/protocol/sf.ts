/**
 * Structured-field dictionary parsing that rejects duplicate keys.
 *
 * `structured-headers` implements RFC 8941 faithfully: a repeated dictionary
 * key silently overwrites the earlier one. For signatures and digests that is
 * an ambiguity an attacker can use (a proxy may read the first member, we the
 * last), so PTERI rejects such headers outright. The library has no hook for
 * this, hence the small check below.
 */
import { parseDictionary, type Dictionary } from "structured-headers";

/**
 * Number of top-level members in a header that already parsed as a
 * dictionary. In valid structured-field syntax a comma outside a (display)
 * string can only separate dictionary members: parameters use ";", inner-list
 * items use spaces, and tokens, keys and byte sequences cannot contain commas.
 */
function countMembers(input: string): number {
  let members = input.trim() === "" ? 0 : 1;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === ",") {
      members++;
    }
  }
  return members;
}

export type StrictDictionaryResult = { ok: true; dict: Dictionary } | { ok: false; reason: string };

/** Parses an RFC 8941 dictionary; never throws; duplicate keys are an error. */
export function parseDictionaryStrict(input: string): StrictDictionaryResult {
  let dict: Dictionary;
  try {
    dict = parseDictionary(input);
  } catch {
    return { ok: false, reason: "not a valid structured-field dictionary" };
  }
  if (countMembers(input) !== dict.size) return { ok: false, reason: "a dictionary key appears more than once" };
  return { ok: true, dict };
}
