/**
 * A policy document's digest: SHA-256 over its RFC 8785 canonical JSON, domain-separated as
 * `PTERI/policy/v1` (lib/protocol/jcs.ts), so the same rules written with other key order or
 * spacing have the same digest, and no intent or audit entry can ever share it. Decisions
 * and audit entries carry it to name exactly which rules were in force.
 */
import { hashDocumentHex } from "../protocol/jcs";
import type { PolicyDocument } from "./schema";

/**
 * Lowercase hex SHA-256 of the canonical document. Members set to `undefined` (an editor's
 * cleared optional field) are left out first, as storing the document as JSON would.
 */
export function policyDigest(document: PolicyDocument): string {
  return hashDocumentHex("policy", 1, JSON.parse(JSON.stringify(document)));
}
