"use client";

import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorMessage, Loading } from "../ui/alert";
import { BackLink } from "../ui/back-link";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { SubmitButton } from "../ui/form-actions";
import { PageHeader } from "../ui/page-header";
import { TextAreaField } from "../ui/field";
import { Section } from "../ui/section";
import { describeActor, formatAbsolute } from "./format";
import { PermissionCheckboxes } from "./form-fields";
import { LifecycleActions } from "./lifecycle-actions";
import { machineKeys, setPermissionsCall, useApplicablePolicies, useMachine, useMachineMutation, type MachineDetailView, type MachineView } from "./queries";
import { RelativeTime } from "./relative-time";
import { StatusBadge, TagList } from "./status-badge";
import { useNow } from "./use-now";

const DT = "text-zinc-600 dark:text-zinc-400";
const ROW = "grid gap-1 px-4 py-3 text-sm sm:grid-cols-[12rem_1fr] sm:gap-4";

export function MachineDetail({ id, initialName, canWrite }: { id: string; initialName: string; canWrite: boolean }) {
  const detail = useMachine(id);
  const client = useQueryClient();
  const now = Math.max(useNow(), detail.dataUpdatedAt);
  const [announcement, setAnnouncement] = useState("");
  const machine = detail.data?.machine;
  const name = machine?.name ?? initialName;

  return (
    <>
      <BackLink href="/machines">Machines</BackLink>
      <PageHeader
        title={name}
        description={machine?.description || undefined}
        actions={
          machine && canWrite ? (
            <LifecycleActions
              machine={machine}
              onDone={(message, updated) => {
                client.setQueryData<MachineDetailView>(machineKeys.detail(id), (old) => (old ? { ...old, machine: updated } : old));
                setAnnouncement(message);
                void client.invalidateQueries({ queryKey: machineKeys.all });
              }}
            />
          ) : null
        }
      />
      {/* Results of lifecycle actions and permission changes, announced politely. */}
      <div aria-live="polite" role="status" className={announcement ? "mb-4" : "sr-only"}>
        {announcement ? (
          <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">{announcement}</p>
        ) : null}
      </div>
      {detail.isPending ? <Loading label="Loading the machine…" /> : null}
      {detail.isError && !detail.data ? (
        <div className="space-y-3">
          <ErrorMessage>Could not load this machine: {detail.error.message}</ErrorMessage>
          <Button onClick={() => void detail.refetch()} disabled={detail.isFetching}>
            {detail.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}
      {detail.data && machine ? (
        <>
          {machine.status === "revoked" ? (
            <div role="note" className="mb-6 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
              <p className="font-semibold">Revoked: kept for the audit trail; cannot be deleted or reactivated.</p>
              {machine.statusReason ? <p className="mt-1">Reason: {machine.statusReason}</p> : null}
            </div>
          ) : null}
          <StatusSection machine={machine} now={now} />
          <IdentitySection machine={machine} />
          <DetailsSection machine={machine} now={now} />
          <PermissionsSection
            key={`${machine.permissions.join(",")} ${machine.verifyAudiences.join(",")}`}
            machine={machine}
            canWrite={canWrite}
            onSaved={(updated) => {
              client.setQueryData<MachineDetailView>(machineKeys.detail(id), (old) => (old ? { ...old, machine: updated } : old));
              setAnnouncement(`Permissions of ${updated.name} saved.`);
            }}
          />
          <KeyHistorySection detail={detail.data} />
          <ActivitySection detail={detail.data} />
          <PoliciesSection id={id} />
        </>
      ) : null}
    </>
  );
}

function StatusSection({ machine, now }: { machine: MachineView; now: number }) {
  return (
    <Section title="Status">
      <dl className="-m-4 divide-y divide-zinc-200 dark:divide-zinc-800">
        <div className={ROW}>
          <dt className={DT}>Status</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <StatusBadge status={machine.status} />
            {machine.status === "pending" ? (
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {machine.activation === "confirm"
                  ? "Waiting for an operator to confirm its fingerprint; its requests are refused until then."
                  : "Waiting for its first correctly signed request (proof that it holds the key) or an operator's confirmation."}
              </span>
            ) : null}
          </dd>
        </div>
        {machine.statusReason && machine.status !== "revoked" ? (
          <div className={ROW}>
            <dt className={DT}>Reason</dt>
            <dd className="whitespace-pre-wrap">{machine.statusReason}</dd>
          </div>
        ) : null}
        <div className={ROW}>
          <dt className={DT}>Activated</dt>
          <dd>{machine.activatedAt ? <RelativeTime iso={machine.activatedAt} now={now} /> : <span className="text-zinc-600 dark:text-zinc-400">not yet</span>}</dd>
        </div>
        <div className={ROW}>
          <dt className={DT}>Last seen</dt>
          <dd>
            <RelativeTime iso={machine.lastSeenAt} now={now} never="never (no signed request yet)" />
          </dd>
        </div>
      </dl>
    </Section>
  );
}

function CopyRow({ label, value, large }: { label: string; value: string; large?: boolean }) {
  return (
    <div className={ROW}>
      <dt className={DT}>{label}</dt>
      <dd className="flex min-w-0 flex-wrap items-center gap-3">
        <span className={`min-w-0 break-all font-mono ${large ? "text-base font-semibold" : "text-xs"}`}>{value}</span>
        <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
      </dd>
    </div>
  );
}

function IdentitySection({ machine }: { machine: MachineView }) {
  const jwk = JSON.stringify(machine.publicJwk, null, 2);
  return (
    <Section title="Identity" description="The machine's Ed25519 public key. Its private key never left the machine.">
      <dl className="-m-4 divide-y divide-zinc-200 dark:divide-zinc-800">
        <CopyRow label="Fingerprint" value={machine.fingerprint} large />
        <CopyRow label="Key id" value={machine.keyId} />
        <CopyRow label="Machine id" value={machine.id} />
        <div className={ROW}>
          <dt className={DT}>Public key (JWK)</dt>
          <dd className="min-w-0 space-y-2">
            <pre aria-label="Public key (JWK)" className="overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950">
              <code>{jwk}</code>
            </pre>
            <CopyButton value={jwk} label="Copy public key (JWK)" />
          </dd>
        </div>
      </dl>
    </Section>
  );
}

function DetailsSection({ machine, now }: { machine: MachineView; now: number }) {
  const by = describeActor(machine.enrolledBy);
  return (
    <Section title="Details">
      <dl className="-m-4 divide-y divide-zinc-200 dark:divide-zinc-800">
        <div className={ROW}>
          <dt className={DT}>Tags</dt>
          <dd>
            <TagList tags={machine.tags} label="Tags" />
          </dd>
        </div>
        <div className={ROW}>
          <dt className={DT}>Owner</dt>
          <dd>{machine.owner || <span className="text-zinc-600 dark:text-zinc-400">—</span>}</dd>
        </div>
        <div className={ROW}>
          <dt className={DT}>Environment</dt>
          <dd>{machine.environment || <span className="text-zinc-600 dark:text-zinc-400">—</span>}</dd>
        </div>
        <div className={ROW}>
          <dt className={DT}>Enrolled by</dt>
          <dd>
            {machine.enrolledBy.type === "machine" && machine.enrolledBy.id ? (
              // A machine actor is named by its key id; the inventory search finds it by key id.
              <Link href={`/machines?q=${encodeURIComponent(machine.enrolledBy.id)}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {by}
              </Link>
            ) : (
              by
            )}
            {", "}
            <RelativeTime iso={machine.createdAt} now={now} /> <span className="text-xs text-zinc-600 dark:text-zinc-400">({formatAbsolute(machine.createdAt)})</span>
            {machine.ticketId ? <span className="block text-xs text-zinc-600 dark:text-zinc-400">with enrollment ticket {machine.ticketId}</span> : null}
          </dd>
        </div>
      </dl>
    </Section>
  );
}

/** One audience per line, blank lines ignored: what the text area holds. */
const audienceLines = (text: string) => text.split("\n").map((line) => line.trim()).filter((line) => line !== "");

function PermissionsSection({ machine, canWrite, onSaved }: { machine: MachineView; canWrite: boolean; onSaved: (machine: MachineView) => void }) {
  const [selected, setSelected] = useState<string[]>(machine.permissions);
  const [audiences, setAudiences] = useState(machine.verifyAudiences.join("\n"));
  const save = useMachineMutation(setPermissionsCall);
  const editable = canWrite && machine.status !== "revoked";
  const verifies = selected.includes("intents.verify");
  const changed = [...selected].sort().join(",") !== [...machine.permissions].sort().join(",") || (verifies && audienceLines(audiences).join("\n") !== machine.verifyAudiences.join("\n"));
  return (
    <Section title="Machine permissions" description="What this machine may do on PTERI's own API, with its signed requests. None by default.">
      {editable ? (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ id: machine.id, permissions: selected, verifyAudiences: verifies ? audienceLines(audiences) : [] }, { onSuccess: (r) => onSaved(r.machine) });
          }}
        >
          <PermissionCheckboxes legend={`Permissions of ${machine.name}`} selected={selected} onChange={setSelected} />
          {verifies ? (
            <TextAreaField
              label="Audiences it verifies intents for"
              hint="One resource service base URL per line, e.g. https://payments.internal.example (at most 20). It may verify only intents whose audience is listed here."
              value={audiences}
              onChange={(e) => setAudiences(e.target.value)}
              rows={3}
              spellCheck={false}
              inputClassName="font-mono text-xs"
            />
          ) : null}
          <ErrorMessage>{save.error?.message}</ErrorMessage>
          <SubmitButton pending={save.isPending} pendingLabel="Saving…" disabled={!changed}>
            Save permissions
          </SubmitButton>
        </form>
      ) : machine.permissions.length === 0 ? (
        <p className="text-sm">None</p>
      ) : (
        <ul aria-label={`Permissions of ${machine.name}`} className="list-inside list-disc space-y-1 text-sm">
          {machine.permissions.map((p) => (
            <li key={p}>
              <span className="font-mono text-xs">{p}</span>
              {p === "intents.verify" ? (
                <span className="block pl-5 text-xs text-zinc-600 dark:text-zinc-400">
                  for {machine.verifyAudiences.length ? <span className="break-all font-mono">{machine.verifyAudiences.join(", ")}</span> : "no audience yet (it can verify nothing)"}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function KeyHistorySection({ detail }: { detail: MachineDetailView }) {
  return (
    <Section title="Key history" description="Earlier keys of this machine, retired by a re-key (pteri rekey). A retired key is refused like a revoked one.">
      {detail.retiredKeys.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No earlier keys: the machine still uses the key it enrolled with.</p>
      ) : (
        <ul aria-label="Retired keys" className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
          {detail.retiredKeys.map((k) => (
            <li key={k.keyId} className="py-2">
              <p className="break-all font-mono text-xs">{k.fingerprint}</p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                key id <span className="font-mono">{k.keyId}</span> · retired {formatAbsolute(k.retiredAt)}
                {k.reason ? ` · ${k.reason}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ActivitySection({ detail }: { detail: MachineDetailView }) {
  return (
    <Section title="Recent activity" description="The latest audit entries about this machine, newest first.">
      {detail.activity.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No activity recorded yet.</p>
      ) : (
        <div className="-m-4 overflow-x-auto">
          <table aria-label="Recent activity" className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Seq
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Time
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Summary
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {detail.activity.map((entry) => (
                <tr key={String(entry.seq)} className="align-top">
                  <td className="px-4 py-2 font-mono text-xs tabular-nums">{String(entry.seq)}</td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <time dateTime={entry.time}>{formatAbsolute(entry.time)}</time>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">{entry.type}</td>
                  <td className="px-4 py-2">{entry.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** The published policies that decide this machine's intents (by its id or its tags). */
function PoliciesSection({ id }: { id: string }) {
  const policies = useApplicablePolicies(id);
  return (
    <Section title="Policies" description="Published scope policies whose targets include this machine, by its id or its tags.">
      {policies.isPending ? (
        <Loading label="Loading policies…" />
      ) : policies.isError ? (
        <ErrorMessage>{policies.error.message}</ErrorMessage>
      ) : policies.data.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No published policy targets this machine, so every intent it sends is denied (default deny).</p>
      ) : (
        <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
          {policies.data.map((policy) => (
            <li key={policy.id} className="flex items-center justify-between gap-3 py-2">
              <Link href={`/policies/${encodeURIComponent(policy.id)}`} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                {policy.name}
              </Link>
              <span className="text-zinc-600 dark:text-zinc-400">version {policy.version}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
