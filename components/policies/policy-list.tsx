"use client";

/** The policies: name, description, latest version, unpublished changes; and "New policy". */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { POLICY_LIMITS } from "@/lib/policies";
import { ErrorMessage, Loading } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { formatAbsolute } from "../machines/format";
import { EditorField, SMALL_INPUT } from "./controls";
import { createPolicyCall, policyKeys, usePolicyList } from "./queries";

export function PolicyList({ canWrite }: { canWrite: boolean }) {
  const list = usePolicyList();
  if (list.isPending) return <Loading label="Loading policies…" />;
  if (list.isError)
    return (
      <div className="space-y-3">
        <ErrorMessage>Could not load policies: {list.error.message}</ErrorMessage>
        <Button onClick={() => void list.refetch()} disabled={list.isFetching}>
          {list.isFetching ? "Retrying…" : "Retry"}
        </Button>
      </div>
    );
  if (list.data.length === 0)
    return (
      <EmptyState title="No policies yet">
        <p>Every intent a machine declares is decided by the published policies. With none published, PTERI denies every intent (default deny).</p>
        {canWrite ? (
          <div className="mt-4 flex justify-center">
            <NewPolicyButton />
          </div>
        ) : (
          <p className="mt-2">An operator with the editor role can create policies.</p>
        )}
      </EmptyState>
    );
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="min-w-full text-sm" aria-label="Policies">
        <thead>
          <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            <th scope="col" className="px-4 py-2 font-medium">Name</th>
            <th scope="col" className="px-4 py-2 font-medium">Version in force</th>
            <th scope="col" className="px-4 py-2 font-medium">Published</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((p) => (
            <tr key={p.id} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800">
              <td className="px-4 py-2">
                <Link href={`/policies/${encodeURIComponent(p.id)}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {p.name}
                </Link>
                {p.hasDraft ? <span className="ml-2 rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">unpublished changes</span> : null}
                {p.description ? <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{p.description}</p> : null}
              </td>
              <td className="whitespace-nowrap px-4 py-2">{p.latestVersion > 0 ? `v${p.latestVersion}` : <span className="text-zinc-600 dark:text-zinc-400">not published</span>}</td>
              <td className="whitespace-nowrap px-4 py-2">{p.publishedAt ? formatAbsolute(p.publishedAt) : <span className="text-zinc-600 dark:text-zinc-400">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NewPolicyButton() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  const client = useQueryClient();
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        New policy
      </Button>
      <Dialog open={open} title="New policy" description="It starts as a draft targeting all machines with no rules; nothing is in force until you publish." onRequestClose={() => (busy ? undefined : setOpen(false))}>
        <form
          className="space-y-4"
          onSubmit={async (e) => {
            e.preventDefault();
            if (name.trim() === "") {
              setNameError("A policy needs a name.");
              return;
            }
            setBusy(true);
            setError(null);
            try {
              const policy = await createPolicyCall({ name: name.trim(), description: description.trim() || undefined });
              void client.invalidateQueries({ queryKey: policyKeys.list });
              router.push(`/policies/${encodeURIComponent(policy.id)}`);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
              setBusy(false);
            }
          }}
        >
          <EditorField label="Name" error={nameError}>
            {(aria) => <input {...aria} data-autofocus maxLength={POLICY_LIMITS.nameLength} value={name} onChange={(e) => (setName(e.currentTarget.value), setNameError(null))} className={SMALL_INPUT} />}
          </EditorField>
          <EditorField label="Description (optional)">
            {(aria) => <textarea {...aria} rows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} className={SMALL_INPUT} />}
          </EditorField>
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? "Creating…" : "Create policy"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
