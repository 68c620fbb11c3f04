"use client";

/**
 * Data for the Policies pages: the wire shapes of the operator API (app/api/policies/**, see
 * /tmp/notes/policies-contract.md and docs/policies.md), their query keys, and the calls that
 * change them. Query keys sit next to the mutations that invalidate them.
 */
import { useQuery } from "@tanstack/react-query";
import { apiFetch, ApiError } from "../api/fetch-json";
import type { PolicyIssue } from "@/lib/policies";
import type { MachineView } from "@/lib/machines/view";
import type { ImpactChange, ImpactPreview, PolicyDetail, PolicyListItem, PolicySuggestions, VersionSummary, VersionView } from "@/lib/policies/store/view";

export type { PolicyIssue, MachineView };

// The wire shapes come from the server's own view definitions (type-only: nothing of the store is bundled).
export type PolicySummary = PolicyListItem;
export type ImpactView = ImpactPreview;
export type { ImpactChange, PolicyDetail, VersionSummary, VersionView };
export type Suggestions = PolicySuggestions;

export const policyKeys = {
  all: ["policies"] as const,
  list: ["policies", "list"] as const,
  detail: (id: string) => ["policies", "detail", id] as const,
  version: (id: string, version: number) => ["policies", "version", id, version] as const,
  suggestions: ["policies", "suggestions"] as const,
  machines: (q: string) => ["machines", "list", "policies-picker", q] as const,
};

const path = (id: string, rest = "") => `/api/policies/${encodeURIComponent(id)}${rest}`;

export const usePolicyList = () => useQuery({ queryKey: policyKeys.list, queryFn: () => apiFetch<{ policies: PolicySummary[] }>("/api/policies").then((r) => r.policies) });

export const usePolicy = (id: string) =>
  useQuery({
    queryKey: policyKeys.detail(id),
    queryFn: () => apiFetch<PolicyDetail>(path(id)),
    // The editor holds its own working copy; refetching must not surprise it mid-edit.
    refetchOnWindowFocus: false,
  });

export const useVersion = (id: string, version: number | null) =>
  useQuery({
    queryKey: policyKeys.version(id, version ?? 0),
    queryFn: () => apiFetch<{ version: VersionView }>(path(id, `/versions/${version}`)).then((r) => r.version),
    enabled: version !== null && version > 0,
    staleTime: Infinity, // versions are immutable
  });

export const useSuggestions = () =>
  useQuery({
    queryKey: policyKeys.suggestions,
    queryFn: () => apiFetch<Suggestions>("/api/policies/suggestions"),
    staleTime: 60_000,
    retry: false,
  });

/** Machines for pickers, the simulator and the access matrix: the first page of a search. */
export const useMachineSearch = (q: string, pageSize = 50) =>
  useQuery({
    queryKey: [...policyKeys.machines(q), pageSize],
    queryFn: () => {
      const search = new URLSearchParams({ sort: "name", order: "asc", page: "1", pageSize: String(pageSize) });
      if (q) search.set("q", q);
      return apiFetch<{ items: MachineView[]; total: number }>(`/api/machines?${search.toString()}`);
    },
    staleTime: 30_000,
  });

export const createPolicyCall = (input: { name: string; description?: string }) => apiFetch<{ policy: PolicyDetail }>("/api/policies", { method: "POST", body: input }).then((r) => r.policy);

export const saveDraftCall = (id: string, document: unknown) =>
  apiFetch<{ draftUpdatedAt: string; issues: PolicyIssue[] }>(path(id, "/draft"), { method: "PUT", body: { document } });

export const discardDraftCall = (id: string) => apiFetch<unknown>(path(id, "/draft"), { method: "DELETE" });

export const publishCall = (id: string, note: string) => apiFetch<{ version: VersionView }>(path(id, "/publish"), { method: "POST", body: { note } });

export const rollbackCall = (id: string, version: number, note: string) => apiFetch<{ version: VersionView }>(path(id, "/rollback"), { method: "POST", body: { version, note } });

export const impactCall = (id: string, document: unknown, sinceHours: number) => apiFetch<ImpactView>(path(id, "/impact"), { method: "POST", body: { document, sinceHours } });

/**
 * A 400 policy_invalid answer carries `issues`, which apiFetch does not keep: this variant
 * reads the problem body itself so the editor can put the server's issues next to the fields.
 */
export class PolicyInvalidError extends ApiError {
  constructor(
    message: string,
    readonly issues: PolicyIssue[],
  ) {
    super(400, "policy_invalid", message);
  }
}

export async function publishWithIssues(id: string, note: string): Promise<{ version: VersionView }> {
  const response = await fetch(path(id, "/publish"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ note }),
    credentials: "same-origin",
    cache: "no-store",
  }).catch(() => {
    throw new ApiError(0, "network_error", "The Console could not be reached; check your connection and try again.");
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON
  }
  if (response.ok) return body as unknown as { version: VersionView };
  const detail = typeof body.detail === "string" ? body.detail : `The request failed (HTTP ${response.status}).`;
  const code = typeof body.code === "string" ? body.code : "http_error";
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  if (response.status === 401 && code === "unauthenticated") window.location.assign("/sign-in?reason=ended");
  if (Array.isArray(body.issues)) throw new PolicyInvalidError(detail, body.issues as PolicyIssue[]);
  throw new ApiError(response.status, code, detail);
}
