"use client";

/** Data for the audit entry page: the entry with its chain of custody, and the log's public key. */
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../api/fetch-json";
import type { AuditEntryDetail } from "@/lib/audit/custody/wire";

export type { AuditEntryDetail };

export interface LogKeyView {
  origin: string;
  vkey: string;
  keyId: string;
}

export const auditEntryKeys = {
  entry: (seq: string) => ["audit", "entry", seq] as const,
  logKey: ["audit", "log-key"] as const,
};

export function useAuditEntry(seq: string) {
  return useQuery({ queryKey: auditEntryKeys.entry(seq), queryFn: () => apiFetch<AuditEntryDetail>(`/api/audit/entries/${encodeURIComponent(seq)}`) });
}

/** The public URL any verifier uses; the page shows its fingerprint so it can be compared with a pinned one. */
export function useLogKey() {
  return useQuery({ queryKey: auditEntryKeys.logKey, queryFn: () => apiFetch<LogKeyView>("/.well-known/pteri-log-key"), staleTime: 5 * 60_000 });
}

/** The 8 hex digits of the vkey's key hash: what people compare. */
export function vkeyFingerprint(vkey: string): string {
  return vkey.split("+")[1] ?? "";
}
