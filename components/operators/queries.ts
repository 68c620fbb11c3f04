"use client";

/**
 * Data for the Operators page: query keys next to the mutations that invalidate them, so a
 * change always refreshes exactly the lists it affects.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../api/fetch-json";

export interface PasskeyView {
  id: string;
  name: string;
  credentialId: string;
  algorithmName: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}
export interface OperatorView {
  id: string;
  name: string;
  roles: string[];
  status: "active" | "disabled";
  createdAt: string;
  passkeys: PasskeyView[];
  teams: { id: string; name: string }[];
}
export interface InvitationView {
  id: string;
  tokenPrefix: string;
  roles: string[];
  name: string | null;
  expiresAt: string;
  createdAt: string;
  createdBy: { type: string; id: string };
}
export interface TeamView {
  id: string;
  name: string;
  description: string;
  members: { id: string; name: string }[];
}

export const operatorKeys = {
  operators: ["operators"] as const,
  invitations: ["invitations"] as const,
  teams: ["teams"] as const,
};

export const useOperators = () => useQuery({ queryKey: operatorKeys.operators, queryFn: () => apiFetch<{ operators: OperatorView[] }>("/api/operators").then((r) => r.operators) });
export const useInvitations = () =>
  useQuery({ queryKey: operatorKeys.invitations, queryFn: () => apiFetch<{ invitations: InvitationView[] }>("/api/invitations").then((r) => r.invitations) });
export const useTeams = () => useQuery({ queryKey: operatorKeys.teams, queryFn: () => apiFetch<{ teams: TeamView[] }>("/api/teams").then((r) => r.teams) });

/** A mutation that refreshes the given lists when it succeeds. */
export function useConsoleMutation<I, O>(run: (input: I) => Promise<O>, invalidate: (readonly string[])[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

export const createInvitationCall = (input: { roles: string[]; name?: string; expiresInMinutes: number }) =>
  apiFetch<{ link: string; invitation: InvitationView }>("/api/invitations", { method: "POST", body: input });
export const revokeInvitationCall = (id: string) => apiFetch(`/api/invitations/${encodeURIComponent(id)}`, { method: "DELETE" });
export const updateOperatorCall = (input: { id: string; roles?: string[]; status?: "active" | "disabled" }) =>
  apiFetch(`/api/operators/${encodeURIComponent(input.id)}`, { method: "PATCH", body: { roles: input.roles, status: input.status } });
export const removeOperatorPasskeyCall = (input: { operatorId: string; passkeyId: string }) =>
  apiFetch(`/api/operators/${encodeURIComponent(input.operatorId)}/passkeys/${encodeURIComponent(input.passkeyId)}`, { method: "DELETE" });
export const createTeamCall = (input: { name: string; description: string }) => apiFetch("/api/teams", { method: "POST", body: input });
export const deleteTeamCall = (id: string) => apiFetch(`/api/teams/${encodeURIComponent(id)}`, { method: "DELETE" });
export const addTeamMemberCall = (input: { teamId: string; operatorId: string }) =>
  apiFetch(`/api/teams/${encodeURIComponent(input.teamId)}/members`, { method: "POST", body: { operatorId: input.operatorId } });
export const removeTeamMemberCall = (input: { teamId: string; operatorId: string }) =>
  apiFetch(`/api/teams/${encodeURIComponent(input.teamId)}/members/${encodeURIComponent(input.operatorId)}`, { method: "DELETE" });
