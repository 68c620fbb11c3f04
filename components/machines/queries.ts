"use client";

/**
 * Data for the Machines pages: the wire shapes of the operator API (app/api/machines/**,
 * app/api/enrollment-tickets/**), their query keys, and the calls that change them. Query keys
 * sit next to the mutations that invalidate them, so a change refreshes exactly what it affects.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../api/fetch-json";

// The shapes come from the server's own view definitions (type-only: nothing of lib/ is bundled).
import type { MachineStatus } from "@/lib/machines/model";
import type { ActivityView, ActorView, MachineView, RetiredKeyView, TicketView } from "@/lib/machines/view";
import type { ApplicablePolicy } from "@/lib/policies/store/view";

export type { ActivityView, ActorView, MachineStatus, MachineView, RetiredKeyView, TicketView };
export const MACHINE_STATUS_LIST: readonly MachineStatus[] = ["pending", "active", "suspended", "revoked"];

export interface MachineDetailView {
  machine: MachineView;
  retiredKeys: RetiredKeyView[];
  activity: ActivityView[];
}

export interface MachineListView {
  items: MachineView[];
  total: number;
  page: number;
  pageSize: number;
  facets: { environments: string[]; tags: string[] };
}

export const SORT_KEYS = ["name", "status", "environment", "lastSeenAt", "createdAt"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = "asc" | "desc";

export interface MachineListParams {
  q: string;
  status: string;
  tag: string;
  environment: string;
  sort: SortKey;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export const machineKeys = {
  all: ["machines"] as const,
  lists: ["machines", "list"] as const,
  list: (params: MachineListParams) => ["machines", "list", params] as const,
  detail: (id: string) => ["machines", "detail", id] as const,
  tickets: ["enrollment-tickets"] as const,
  ticket: (id: string) => ["enrollment-tickets", id] as const,
};

export function listQueryString(params: MachineListParams): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.status) search.set("status", params.status);
  if (params.tag) search.set("tag", params.tag);
  if (params.environment) search.set("environment", params.environment);
  search.set("sort", params.sort);
  search.set("order", params.order);
  search.set("page", String(params.page));
  search.set("pageSize", String(params.pageSize));
  return search.toString();
}

export const useMachineList = (params: MachineListParams) =>
  useQuery({
    queryKey: machineKeys.list(params),
    queryFn: () => apiFetch<MachineListView>(`/api/machines?${listQueryString(params)}`),
    // The previous page stays on screen (marked busy) while the next one loads: no flicker.
    placeholderData: keepPreviousData,
  });

export const useMachine = (id: string) =>
  useQuery({ queryKey: machineKeys.detail(id), queryFn: () => apiFetch<MachineDetailView>(`/api/machines/${encodeURIComponent(id)}`) });

/** The published policies whose targets match the machine (its id and tags). */
export const useApplicablePolicies = (id: string) =>
  useQuery({
    queryKey: [...machineKeys.detail(id), "policies"],
    queryFn: () => apiFetch<{ policies: ApplicablePolicy[] }>(`/api/policies/applicable?machineId=${encodeURIComponent(id)}`).then((r) => r.policies),
  });

export const useOpenTickets = (enabled: boolean) =>
  useQuery({
    queryKey: machineKeys.tickets,
    queryFn: () => apiFetch<{ tickets: TicketView[] }>("/api/enrollment-tickets").then((r) => r.tickets),
    enabled,
    // Tickets expire within minutes: keep the list honest without a reload.
    refetchInterval: 30_000,
  });

/** Polls one ticket about once a second while it is open: the live "waiting for the machine". */
export const useTicketWatch = (id: string | null) =>
  useQuery({
    queryKey: machineKeys.ticket(id ?? ""),
    queryFn: () => apiFetch<{ ticket: TicketView }>(`/api/enrollment-tickets/${encodeURIComponent(id ?? "")}`).then((r) => r.ticket),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data === undefined || query.state.data.status === "open" ? 1000 : false),
    // The operator is typically in a terminal while waiting: keep polling in the background.
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: 3,
  });

/** A mutation that refreshes the given queries (by key prefix) when it succeeds. */
export function useMachineMutation<I, O>(run: (input: I) => Promise<O>, invalidate: (readonly string[])[] = [machineKeys.all, machineKeys.tickets]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    // Not awaited: an awaited refetch would land first, and when it removes the form that
    // called mutate (a revoked machine has no actions), that call's own onSuccess (the
    // announcement) would never run. The caller's onSuccess runs first; the refetch follows.
    onSuccess: () => {
      for (const queryKey of invalidate) void client.invalidateQueries({ queryKey });
    },
  });
}

export interface MachineProfileInput {
  name: string;
  description?: string;
  tags?: string[];
  owner?: string;
  environment?: string;
}

export interface CreateTicketInput extends MachineProfileInput {
  permissions: string[];
  requireConfirmation: boolean;
  expiresInMinutes: number;
}

export interface CreatedTicket {
  ticket: string;
  command: string;
  ticketView: TicketView;
}

const machinePath = (id: string, action?: string) => `/api/machines/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;

export const createTicketCall = (input: CreateTicketInput) => apiFetch<CreatedTicket>("/api/enrollment-tickets", { method: "POST", body: input });
export const revokeTicketCall = (id: string) => apiFetch<{ ticket: TicketView }>(`/api/enrollment-tickets/${encodeURIComponent(id)}`, { method: "DELETE" });
export const registerMachineCall = (input: MachineProfileInput & { publicKey: string }) =>
  apiFetch<{ machine: MachineView }>("/api/machines", { method: "POST", body: input });

export type LifecycleAction = "confirm" | "suspend" | "resume" | "revoke";
export const lifecycleCall = (input: { id: string; action: LifecycleAction; reason?: string; fingerprint?: string }) =>
  apiFetch<{ machine: MachineView }>(machinePath(input.id, input.action), {
    method: "POST",
    body: input.action === "confirm" ? { fingerprint: input.fingerprint, reason: input.reason || undefined } : { reason: input.reason },
  });
export const setPermissionsCall = (input: { id: string; permissions: string[]; verifyAudiences?: string[] }) =>
  apiFetch<{ machine: MachineView }>(machinePath(input.id, "permissions"), {
    method: "PUT",
    body: { permissions: input.permissions, ...(input.verifyAudiences ? { verifyAudiences: input.verifyAudiences } : {}) },
  });
