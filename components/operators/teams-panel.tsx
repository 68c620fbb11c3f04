"use client";

import { useState } from "react";
import { ErrorMessage, Loading } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { InputField } from "../ui/field";
import { addTeamMemberCall, createTeamCall, deleteTeamCall, operatorKeys, removeTeamMemberCall, useConsoleMutation, useOperators, useTeams, type TeamView } from "./queries";

const AFFECTED = [operatorKeys.teams, operatorKeys.operators];

export function TeamsPanel({ canManage }: { canManage: boolean }) {
  const teams = useTeams();
  const create = useConsoleMutation(createTeamCall, AFFECTED);
  if (teams.isPending) return <Loading label="Loading teams…" />;
  if (teams.isError) return <ErrorMessage>Could not load teams: {teams.error.message}</ErrorMessage>;
  return (
    <div className="space-y-4">
      {teams.data.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No teams yet.</p> : null}
      <ul aria-label="Teams" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {teams.data.map((team) => (
          <TeamItem key={team.id} team={team} canManage={canManage} />
        ))}
      </ul>
      {canManage ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const name = String(new FormData(form).get("teamName") ?? "").trim();
            create.mutate({ name, description: "" }, { onSuccess: () => form.reset() });
          }}
        >
          <InputField label="New team name" name="teamName" required maxLength={64} className="min-w-56 flex-1" />
          <Button type="submit" disabled={create.isPending}>
            Create team
          </Button>
          <div className="w-full">
            <ErrorMessage>{create.error?.message}</ErrorMessage>
          </div>
        </form>
      ) : null}
    </div>
  );
}

function TeamItem({ team, canManage }: { team: TeamView; canManage: boolean }) {
  const operators = useOperators();
  const [candidate, setCandidate] = useState("");
  const add = useConsoleMutation(addTeamMemberCall, AFFECTED);
  const remove = useConsoleMutation(removeTeamMemberCall, AFFECTED);
  const del = useConsoleMutation(deleteTeamCall, AFFECTED);
  const nonMembers = (operators.data ?? []).filter((o) => !team.members.some((m) => m.id === o.id));
  const selectId = `team-add-${team.id}`;
  return (
    <li className="space-y-2 py-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">{team.name}</p>
        {canManage ? (
          <ConfirmButton label={`Delete team ${team.name}`} title={`Delete the team "${team.name}"?`} confirmLabel="Delete team" onConfirm={() => del.mutateAsync(team.id).catch(() => undefined)}>
            Its members stay operators; only the group is deleted.
          </ConfirmButton>
        ) : null}
      </div>
      <ul className="flex flex-wrap gap-2" aria-label={`Members of ${team.name}`}>
        {team.members.length === 0 ? <li className="text-xs text-zinc-600 dark:text-zinc-400">No members.</li> : null}
        {team.members.map((m) => (
          <li key={m.id} className="flex items-center gap-1 rounded-full border border-zinc-300 py-0.5 pl-3 pr-1 text-xs dark:border-zinc-700">
            {m.name}
            {canManage ? (
              <button type="button" aria-label={`Remove ${m.name} from ${team.name}`} onClick={() => remove.mutate({ teamId: team.id, operatorId: m.id })} className="rounded-full px-1.5 hover:bg-zinc-200 dark:hover:bg-zinc-700">
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage && nonMembers.length > 0 ? (
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (candidate) add.mutate({ teamId: team.id, operatorId: candidate }, { onSuccess: () => setCandidate("") });
          }}
        >
          <label htmlFor={selectId} className="text-xs">
            Add to {team.name}
          </label>
          <select id={selectId} value={candidate} onChange={(e) => setCandidate(e.currentTarget.value)} className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            <option value="">Choose an operator</option>
            {nonMembers.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <Button type="submit" disabled={!candidate || add.isPending}>
            Add
          </Button>
        </form>
      ) : null}
      <ErrorMessage>{add.error?.message ?? remove.error?.message ?? del.error?.message}</ErrorMessage>
    </li>
  );
}
