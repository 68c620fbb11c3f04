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

/**
 * Saves the draft. `base` is the draftUpdatedAt the editor started from (null: there was no
 * draft): a draft someone else saved meanwhile is refused with a DraftConflictError, and
 * nothing is saved.
 */
export async function saveDraftCall(id: string, document: unknown, base: string | null): Promise<{ draftUpdatedAt: string; issues: PolicyIssue[] }> {
  const { response, body } = await send(path(id, "/draft"), "PUT", { document, baseDraftUpdatedAt: base });
  if (response.ok) return body as unknown as { draftUpdatedAt: string; issues: PolicyIssue[] };
  const error = problemError(response, body);
  if (error.code === "conflict" && response.status === 409) {
    const by = body.draftUpdatedBy as { id: string; name: string | null } | null | undefined;
    throw new DraftConflictError(error.message, typeof body.draftUpdatedAt === "string" ? body.draftUpdatedAt : null, by ?? null);
  }
  throw error;
}

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

/** The draft was saved by someone else since the editor loaded it (409 conflict). */
export class DraftConflictError extends ApiError {
  constructor(
    message: string,
    /** The stored draft's draftUpdatedAt now (the base to send to overwrite it), or null: no draft. */
    readonly draftUpdatedAt: string | null,
    readonly draftUpdatedBy: { id: string; name: string | null } | null,
  ) {
    super(409, "conflict", message);
  }
}

/** A JSON request whose problem body is kept (apiFetch keeps only code and detail). */
async function send(url: string, method: string, payload: unknown): Promise<{ response: Response; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
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
  return { response, body };
}

function problemError(response: Response, body: Record<string, unknown>): ApiError {
  const detail = typeof body.detail === "string" ? body.detail : `The request failed (HTTP ${response.status}).`;
  const code = typeof body.code === "string" ? body.code : "http_error";
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  if (response.status === 401 && code === "unauthenticated") window.location.assign("/sign-in?reason=ended");
  return new ApiError(response.status, code, detail);
}

export async function publishWithIssues(id: string, note: string): Promise<{ version: VersionView }> {
  const { response, body } = await send(path(id, "/publish"), "POST", { note });
  if (response.ok) return body as unknown as { version: VersionView };
  const error = problemError(response, body);
  if (Array.isArray(body.issues)) throw new PolicyInvalidError(error.message, body.issues as PolicyIssue[]);
  throw error;
}
