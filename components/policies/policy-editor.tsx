"use client";

/**
 * The policy page: the visual editor of the draft (cards) and a JSON view of the same document,
 * kept in sync both ways; save and discard; the simulator and the effective-access matrix,
 * evaluated in the browser as the operator types; publishing with a change note and an impact
 * preview; and the version history (view, diff, rollback).
 *
 * One working copy (`doc`) is the truth for the cards, the simulator and the matrix. The JSON
 * view owns its text: while the text parses, every keystroke replaces `doc`; while it does not,
 * `doc` keeps the last valid state, the text stays exactly as typed, the cards are read-only,
 * and saving or publishing is refused until the text is fixed, so nothing is ever dropped.
 *
 * Policy as code: "Export JSON" downloads the document shown (the draft being edited, or the
 * published version for readers) as `<name>.policy.json`; "Import JSON" reads a file and hands
 * its text to the JSON view, exactly as if it had been typed there (invalid JSON is shown with
 * its line and column and the cards keep the last valid document); the import is unsaved until
 * Save draft, and can be undone.
 *
 * Two editors: every save sends the draftUpdatedAt the editor started from; a draft someone else
 * saved meanwhile is refused (409 conflict) and the editor offers to load their version or to
 * overwrite it with this one. Nothing is overwritten silently.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { validatePolicy, type PolicyIssue } from "@/lib/policies";
import { ErrorMessage, Loading } from "../ui/alert";
import { BackLink } from "../ui/back-link";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { PageHeader } from "../ui/page-header";
import { Section } from "../ui/section";
import { AccessMatrix } from "./access-matrix";
import { EditorField, FieldError, SMALL_INPUT, SmallButton } from "./controls";
import { asArray, asObject, duplicateRule, emptyDocument, exportFileName, messageAt, moveItem, newRule, parseJson, pretty, setIn, type Json, type JsonProblem } from "./doc";
import { PublishDialog } from "./publish-dialog";
import { DraftConflictError, discardDraftCall, policyKeys, saveDraftCall, usePolicy, useMachineSearch, useSuggestions, type PolicyDetail } from "./queries";
import { RuleCard } from "./rule-card";
import { compileDocument, localNow, type SimulationInput } from "./simulate";
import { Simulator } from "./simulator";
import { Tabs } from "./tabs";
import { TargetsEditor } from "./targets-editor";
import { VersionsPanel } from "./versions-panel";
import { formatAbsolute } from "../machines/format";

export function PolicyEditor({ id, canWrite }: { id: string; canWrite: boolean }) {
  const detail = usePolicy(id);
  const [generation, setGeneration] = useState(0);
  // The simulator's intent outlives the working copy (kept across publish, rollback and discard).
  const [sim, setSim] = useState<SimulationInput>(() => ({ machineId: "", customId: "", tags: "", action: "", resource: "", params: "{}", time: localNow(), source: "", recent: "0" }));
  const client = useQueryClient();
  /** After a publish, rollback or discard: fetch the policy again and start from what the server holds. */
  const reload = useCallback(
    async (reset = true) => {
      await client.refetchQueries({ queryKey: policyKeys.detail(id) });
      void client.invalidateQueries({ queryKey: policyKeys.list });
      if (reset) setGeneration((g) => g + 1);
    },
    [client, id],
  );

  return (
    <>
      <BackLink href="/policies">Policies</BackLink>
      {detail.isPending ? <Loading label="Loading the policy…" /> : null}
      {detail.isError && !detail.data ? (
        <div className="space-y-3">
          <PageHeader title={detail.error && "status" in detail.error && detail.error.status === 404 ? "Policy not found" : "Policy"} />
          <ErrorMessage>Could not load this policy: {detail.error.message}</ErrorMessage>
          <Button onClick={() => void detail.refetch()} disabled={detail.isFetching}>
            {detail.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}
      {detail.data ? <Workspace key={`${detail.data.id}-${generation}`} policy={detail.data} canWrite={canWrite} reload={reload} sim={sim} setSim={setSim} /> : null}
    </>
  );
}

type SaveState = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: string } | { kind: "error"; message: string };

/** Someone else saved (or published, or discarded) the draft since this editor loaded it. */
type Conflict = { message: string; draftUpdatedAt: string | null; by: string | null };

/** What an import replaced, so that it can be undone. */
type Before = { doc: Json; jsonText: string; jsonProblem: JsonProblem | null };
type FileNote = { kind: "info" | "error"; text: string; undo?: Before };

/** Larger files are refused before reading (the server keeps drafts up to 1 MiB of JSON). */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

function initialDocument(policy: PolicyDetail, canWrite: boolean): Json {
  const published = (policy.published?.document ?? null) as Json | null;
  const draft = (policy.draft ?? null) as Json | null;
  // Editors work on the draft; readers see what is in force (the draft is not).
  if (canWrite) return draft ?? published ?? emptyDocument(policy.name, policy.description);
  return published ?? draft ?? emptyDocument(policy.name, policy.description);
}

function Workspace({
  policy,
  canWrite,
  reload,
  sim,
  setSim,
}: {
  policy: PolicyDetail;
  canWrite: boolean;
  reload: (reset?: boolean) => Promise<void>;
  sim: SimulationInput;
  setSim: (sim: SimulationInput) => void;
}) {
  const client = useQueryClient();
  const [doc, setDoc] = useState<Json>(() => initialDocument(policy, canWrite));
  const [jsonText, setJsonText] = useState(() => pretty(doc));
  const [jsonProblem, setJsonProblem] = useState<JsonProblem | null>(null);
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(doc));
  const [hasDraft, setHasDraft] = useState(policy.draft !== null && policy.draft !== undefined);
  const [save, setSave] = useState<SaveState>(policy.draftUpdatedAt ? { kind: "saved", at: policy.draftUpdatedAt } : { kind: "idle" });
  const [serverIssues, setServerIssues] = useState<PolicyIssue[]>([]);
  const [tab, setTab] = useState("cards");
  const [announcement, setAnnouncement] = useState("");
  const [publishError, setPublishError] = useState<string | null>(null);
  /** The draftUpdatedAt this editor's working copy started from (null: there was no draft). */
  const [base, setBase] = useState<string | null>(policy.draftUpdatedAt);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [fileNote, setFileNote] = useState<FileNote | null>(null);
  const [importedText, setImportedText] = useState<string | null>(null);
  const jsonRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const pendingFocus = useRef<{ index: number; dir: "up" | "down" } | null>(null);

  const readOnly = !canWrite;
  const dirty = jsonProblem !== null || JSON.stringify(doc) !== savedJson;
  const validation = useMemo(() => validatePolicy(doc), [doc]);
  const clientIssues = useMemo(() => (validation.ok ? [] : validation.issues), [validation]);
  const issues = useMemo(() => {
    const seen = new Set(clientIssues.map((i) => `${i.pointer} ${i.message}`));
    return [...clientIssues, ...serverIssues.filter((i) => !seen.has(`${i.pointer} ${i.message}`))];
  }, [clientIssues, serverIssues]);

  const machines = useMachineSearch("", 100);
  const suggestions = useSuggestions();
  const suggested = useMemo(() => ({ actions: suggestions.data?.actions ?? [], resources: suggestions.data?.resources ?? [] }), [suggestions.data]);
  const nextVersion = policy.latestVersion + 1;
  const draftCompiled = useMemo(() => compileDocument(policy.id, nextVersion, doc), [policy.id, nextVersion, doc]);
  const publishedCompiled = useMemo(() => (policy.published ? compileDocument(policy.id, policy.published.version, policy.published.document) : null), [policy.id, policy.published]);

  /** A change from the cards: the JSON text follows (pretty-printed). */
  const change = (next: Json) => {
    setDoc(next);
    setJsonText(pretty(next));
    setServerIssues([]);
  };

  const onJsonText = (text: string) => {
    setJsonText(text);
    const parsed = parseJson(text);
    if (parsed.ok) {
      setJsonProblem(null);
      setDoc(parsed.value);
      setServerIssues([]);
    } else {
      setJsonProblem(parsed.problem);
    }
  };

  /** Saves the working copy over the draft this editor started from, or over `over` (a conflict's current draft). */
  const saveDraft = useCallback(
    async (over?: string | null): Promise<boolean> => {
      if (jsonProblem) {
        setSave({ kind: "error", message: `Not saved: the JSON has an error at line ${jsonProblem.line}, column ${jsonProblem.column}. Fix it first.` });
        return false;
      }
      setSave({ kind: "saving" });
      const snapshot = doc;
      try {
        const result = await saveDraftCall(policy.id, snapshot, over === undefined ? base : over);
        setSavedJson(JSON.stringify(snapshot));
        setHasDraft(true);
        setBase(result.draftUpdatedAt);
        setConflict(null);
        setSave({ kind: "saved", at: result.draftUpdatedAt });
        void client.invalidateQueries({ queryKey: policyKeys.list });
        return true;
      } catch (error) {
        if (error instanceof DraftConflictError) {
          setConflict({ message: error.message, draftUpdatedAt: error.draftUpdatedAt, by: error.draftUpdatedBy?.name ?? null });
          setSave({ kind: "error", message: "Not saved: someone else changed the draft." });
        } else {
          setSave({ kind: "error", message: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
        }
        return false;
      }
    },
    [base, client, doc, jsonProblem, policy.id],
  );

  const exportJson = () => {
    if (jsonProblem) {
      setFileNote({ kind: "error", text: `Not exported: the JSON view has an error at line ${jsonProblem.line}, column ${jsonProblem.column}. Fix it (or revert the text) first.` });
      return;
    }
    const name = exportFileName(typeof asObject(doc).name === "string" ? (asObject(doc).name as string) : policy.name);
    const url = URL.createObjectURL(new Blob([`${pretty(doc)}\n`], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    const what = readOnly ? (policy.published ? `published v${policy.published.version}` : "the draft") : dirty ? "the draft as shown, with unsaved changes" : "the draft as shown";
    setFileNote({ kind: "info", text: `Exported ${name}: ${what}.` });
  };

  const importFile = async (file: File) => {
    if (jsonProblem && jsonText !== importedText) {
      setFileNote({ kind: "error", text: `Not imported: the JSON view has an error at line ${jsonProblem.line}, column ${jsonProblem.column} in text you typed, which an import would replace. Fix it or revert the text first.` });
      setTab("json");
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      setFileNote({ kind: "error", text: `Not imported: ${file.name} is ${Math.ceil(file.size / 1024)} KiB; a policy file can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.` });
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      setFileNote({ kind: "error", text: `Not imported: ${file.name} could not be read (${error instanceof Error ? error.message : String(error)}).` });
      return;
    }
    const before: Before = { doc, jsonText, jsonProblem };
    // The same path as typing in the JSON view: the text is kept exactly; only valid JSON replaces the document.
    onJsonText(text);
    setImportedText(text);
    const parsed = parseJson(text);
    if (parsed.ok) {
      setFileNote({ kind: "info", text: `Imported ${file.name}: the editor shows it. Nothing is saved until you save the draft.`, undo: before });
    } else {
      setTab("json");
      setFileNote({
        kind: "error",
        text: `${file.name} is not valid JSON (line ${parsed.problem.line}, column ${parsed.problem.column}: ${parsed.problem.message}). Its text is in the JSON view as it is; the editor keeps the last valid document.`,
        undo: before,
      });
    }
  };

  const undoImport = (before: Before) => {
    setDoc(before.doc);
    setJsonText(before.jsonText);
    setJsonProblem(before.jsonProblem);
    setServerIssues([]);
    setImportedText(null);
    setFileNote({ kind: "info", text: "Import undone: the editor shows what it showed before." });
  };

  // Leaving with unsaved changes asks first; Ctrl/Cmd+S saves.
  useEffect(() => {
    if (!dirty || readOnly) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, readOnly]);
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveDraft();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [readOnly, saveDraft]);

  // After moving a rule, focus follows it (to the same button, or the other one at an end).
  useEffect(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    pendingFocus.current = null;
    const card = document.querySelector(`[data-rule-index="${pending.index}"]`);
    const button = card?.querySelector<HTMLButtonElement>(`[data-move="${pending.dir}"]:not([disabled])`) ?? card?.querySelector<HTMLButtonElement>("[data-move]:not([disabled])");
    button?.focus();
  });

  const d = asObject(doc);
  const rules = asArray(d.rules);
  const setRules = (next: Json[]) => change(setIn(doc, ["rules"], next));
  const cardsLocked = readOnly || jsonProblem !== null;

  const saveText =
    save.kind === "saving"
      ? "Saving…"
      : save.kind === "error"
        ? save.message
        : dirty
          ? "Unsaved changes"
          : save.kind === "saved" && hasDraft
            ? `Draft saved ${formatAbsolute(save.at)}`
            : policy.published
              ? `No unpublished changes (published v${policy.published.version})`
              : "Not published yet";

  const goToJsonError = () => {
    const area = jsonRef.current;
    if (!area || !jsonProblem) return;
    area.focus();
    area.setSelectionRange(jsonProblem.offset, Math.min(jsonText.length, jsonProblem.offset + 1));
  };

  const cardsPanel = (
    <div className="space-y-4">
      {jsonProblem ? (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          The JSON view has a syntax error (line {jsonProblem.line}, column {jsonProblem.column}). The cards show the last valid document and are locked until the JSON is fixed.
        </p>
      ) : null}
      <Section title="Policy" description="Name and description, as stored in the document.">
        <fieldset disabled={cardsLocked} className="grid gap-3">
          <legend className="sr-only">Policy</legend>
          <EditorField label="Name" error={messageAt(issues, ["name"])}>
            {(aria) => <input {...aria} value={typeof d.name === "string" ? d.name : ""} onChange={(e) => change(setIn(doc, ["name"], e.currentTarget.value))} className={SMALL_INPUT} />}
          </EditorField>
          <EditorField label="Description (optional)" error={messageAt(issues, ["description"])}>
            {(aria) => (
              <textarea
                {...aria}
                rows={2}
                value={typeof d.description === "string" ? d.description : ""}
                onChange={(e) => change(setIn(doc, ["description"], e.currentTarget.value === "" ? undefined : e.currentTarget.value))}
                className={SMALL_INPUT}
              />
            )}
          </EditorField>
          <FieldError id="policy-format-error" message={messageAt(issues, ["format"])} />
        </fieldset>
      </Section>
      <Section title="Targets" description="The machines this policy applies to. Others are not affected by it.">
        <TargetsEditor targets={d.targets ?? {}} issues={issues} onChange={(t) => change(setIn(doc, ["targets"], t))} readOnly={cardsLocked} />
      </Section>
      <section aria-labelledby="rules-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="rules-heading" className="text-sm font-semibold">
            Rules <span className="font-normal text-zinc-600 dark:text-zinc-400">({rules.length}; any matching deny wins, otherwise matching allows, otherwise deny)</span>
          </h2>
          {cardsLocked ? null : (
            <Button onClick={() => setRules([...rules, newRule(rules)])} className="px-2 py-1 text-xs">
              + Add rule
            </Button>
          )}
        </div>
        <FieldError id="rules-error" message={messageAt(issues, ["rules"])} />
        {rules.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">No rules: every intent on the targeted machines is denied (default deny).</p>
        ) : null}
        {rules.map((rule, i) => (
          <RuleCard
            // Index keys: rule ids may be mid-edit or duplicated; focus is moved explicitly on reorder.
            key={i}
            rule={rule}
            index={i}
            count={rules.length}
            issues={issues}
            suggestions={suggested}
            readOnly={cardsLocked}
            onChange={(r) => setRules(rules.map((x, j) => (j === i ? r : x)))}
            onMove={(to) => {
              pendingFocus.current = { index: to, dir: to < i ? "up" : "down" };
              setRules(moveItem(rules, i, to));
              setAnnouncement(`Rule moved to position ${to + 1}.`);
            }}
            onDuplicate={() => {
              const copy = duplicateRule(rules, i);
              setRules([...rules.slice(0, i + 1), copy, ...rules.slice(i + 1)]);
              setAnnouncement(`Rule duplicated as ${String(copy.id)}.`);
            }}
            onDelete={() => {
              setRules(rules.filter((_, j) => j !== i));
              setAnnouncement(`Rule ${i + 1} deleted.`);
            }}
          />
        ))}
      </section>
    </div>
  );

  const jsonPanel = (
    <div className="space-y-2">
      <label htmlFor="policy-json" className="block text-sm font-medium">
        Policy document (JSON)
      </label>
      <textarea
        id="policy-json"
        ref={jsonRef}
        value={jsonText}
        readOnly={readOnly}
        onChange={(e) => onJsonText(e.currentTarget.value)}
        spellCheck={false}
        rows={Math.min(40, Math.max(12, jsonText.split("\n").length + 1))}
        aria-invalid={jsonProblem ? true : undefined}
        aria-describedby={jsonProblem ? "policy-json-error" : "policy-json-hint"}
        className="block w-full rounded-md border border-zinc-300 bg-white p-3 font-mono text-xs leading-5 aria-[invalid=true]:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-[invalid=true]:border-red-500"
      />
      {jsonProblem ? (
        <div id="policy-json-error" role="alert" className="flex flex-wrap items-center gap-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <span>
            Invalid JSON at line {jsonProblem.line}, column {jsonProblem.column}: {jsonProblem.message}. Your text is kept as typed; the cards keep the last valid document; saving is refused until this is fixed.
          </span>
          <SmallButton onClick={goToJsonError}>Go to the error</SmallButton>
          <SmallButton
            onClick={() => {
              setJsonText(pretty(doc));
              setJsonProblem(null);
            }}
          >
            Revert the text to the last valid document
          </SmallButton>
        </div>
      ) : (
        <p id="policy-json-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
          Edits here update the cards as soon as the text is valid JSON. Schema problems are listed above the editor and marked on the cards.
        </p>
      )}
    </div>
  );

  return (
    <>
      <PageHeader
        title={policy.name}
        description={policy.description || undefined}
        actions={
          canWrite ? (
            <div className="flex flex-wrap items-center justify-end gap-2">
              <Button onClick={exportJson} aria-describedby="policy-file-hint">
                Export JSON
              </Button>
              <Button onClick={() => fileRef.current?.click()} aria-describedby="policy-file-hint">
                Import JSON…
              </Button>
              <input
                ref={fileRef}
                type="file"
                accept=".json,application/json"
                hidden
                tabIndex={-1}
                aria-hidden="true"
                data-testid="policy-import-file"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = ""; // the same file can be imported again
                  if (file) void importFile(file);
                }}
              />
              <Button variant="primary" onClick={() => void saveDraft()} disabled={!dirty || save.kind === "saving" || jsonProblem !== null}>
                {save.kind === "saving" ? "Saving…" : "Save draft"}
              </Button>
              {hasDraft || dirty ? (
                <ConfirmButton
                  label="Discard draft"
                  title="Discard the draft?"
                  confirmLabel="Discard draft"
                  onConfirm={async () => {
                    try {
                      if (hasDraft) await discardDraftCall(policy.id);
                      await reload();
                    } catch (error) {
                      setSave({ kind: "error", message: `Not discarded: ${error instanceof Error ? error.message : String(error)}` });
                    }
                  }}
                >
                  Every change since the last publish is lost. {policy.published ? `The editor goes back to published v${policy.published.version}.` : "The policy goes back to an empty document."}
                </ConfirmButton>
              ) : null}
              <PublishDialog
                policyId={policy.id}
                document={doc}
                nextVersion={nextVersion}
                publishedVersion={policy.published?.version ?? null}
                clientIssues={clientIssues.length}
                jsonProblem={jsonProblem}
                // A saved draft is saved again first, so a draft someone else changed meanwhile is a conflict, not published unseen.
                beforePublish={async () => (dirty || hasDraft ? saveDraft() : true)}
                onInvalid={(found) => {
                  setServerIssues(found);
                  setTab("cards");
                  setPublishError(
                    `Not published: the server found ${found.length === 1 ? "1 problem" : `${found.length} problems`}, marked next to the fields. ${policy.published ? `Published v${policy.published.version} stays in force.` : "Nothing is in force yet."} The draft is kept.`,
                  );
                }}
                onPublished={async (version) => {
                  setPublishError(null);
                  await reload();
                  void version;
                }}
              />
            </div>
          ) : (
            <Button onClick={exportJson} aria-describedby="policy-file-hint">
              Export JSON
            </Button>
          )
        }
      />
      <p id="policy-file-hint" className="sr-only">
        {canWrite ? "Export downloads the document shown as a .policy.json file; import replaces the editor's document with a file's, unsaved until you save the draft." : "Export downloads the published version as a .policy.json file."}
      </p>
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <p role="status" aria-live="polite" data-testid="save-state" className={`rounded-md px-2 py-1 ${save.kind === "error" ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200" : dirty ? "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100" : "text-zinc-600 dark:text-zinc-400"}`}>
          {readOnly ? (policy.published ? `Read-only: published v${policy.published.version}` : "Read-only: not published yet") : saveText}
        </p>
        {readOnly && hasDraft ? <p className="text-xs text-zinc-600 dark:text-zinc-400">An editor has unpublished changes; they are not in force.</p> : null}
        <span aria-live="polite" className="sr-only">
          {announcement}
        </span>
      </div>
      {conflict ? (
        <section
          role="alert"
          aria-labelledby="conflict-heading"
          data-testid="draft-conflict"
          className="mb-4 space-y-2 rounded-lg border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
        >
          <h2 id="conflict-heading" className="font-semibold">
            This draft was changed by someone else since you opened it
          </h2>
          <p>
            {conflict.draftUpdatedAt
              ? `${conflict.by ?? "Another editor"} saved it ${formatAbsolute(conflict.draftUpdatedAt)}.`
              : "It was published or discarded meanwhile: there is no draft now."}{" "}
            Your changes are not saved and are still in the editor.
          </p>
          <p className="text-xs">{conflict.message}</p>
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => void reload()}>Load their version</Button>
            <Button variant="danger" onClick={() => void saveDraft(conflict.draftUpdatedAt)} disabled={save.kind === "saving" || jsonProblem !== null}>
              Overwrite with mine
            </Button>
          </div>
        </section>
      ) : null}
      {fileNote ? (
        <div
          role={fileNote.kind === "error" ? "alert" : "status"}
          data-testid="file-note"
          className={`mb-4 flex flex-wrap items-center gap-2 rounded-md border px-3 py-2 text-sm ${
            fileNote.kind === "error" ? "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" : "border-zinc-300 bg-zinc-50 text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200"
          }`}
        >
          <span>{fileNote.text}</span>
          {fileNote.undo ? <SmallButton onClick={() => undoImport(fileNote.undo!)}>Undo import</SmallButton> : null}
          <SmallButton onClick={() => setFileNote(null)} aria-label="Dismiss this message">
            Dismiss
          </SmallButton>
        </div>
      ) : null}
      {publishError ? (
        <div className="mb-4">
          <ErrorMessage>{publishError}</ErrorMessage>
        </div>
      ) : null}
      {issues.length > 0 ? (
        <section aria-labelledby="problems-heading" className="mb-4 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
          <h2 id="problems-heading" className="font-semibold">
            {issues.length === 1 ? "1 problem" : `${issues.length} problems`}: this draft cannot be published yet
          </h2>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {issues.slice(0, 20).map((issue, i) => (
              <li key={`${issue.pointer}-${i}`}>
                <span className="font-mono text-xs">{issue.at}</span>: {issue.message}
              </li>
            ))}
            {issues.length > 20 ? <li>and {issues.length - 20} more</li> : null}
          </ul>
        </section>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(22rem,2fr)]">
        <div className="min-w-0">
          <Tabs
            label="Editor views"
            selected={tab}
            onSelect={setTab}
            tabs={[
              { key: "cards", label: "Cards", panel: cardsPanel },
              { key: "json", label: jsonProblem ? "JSON ⚠ invalid" : "JSON", panel: jsonPanel },
            ]}
          />
        </div>
        <div className="min-w-0">
          <div className="xl:sticky xl:top-4">
            <Section title="Simulator" description="Evaluated in your browser with the same engine as the server, as you edit.">
              <Simulator sim={sim} onChange={setSim} machines={machines.data?.items ?? []} suggestions={suggested} draft={draftCompiled} published={publishedCompiled} draftTitle={readOnly ? "Shown document" : "Draft"} />
            </Section>
          </div>
        </div>
      </div>

      <div className="mt-6">
        <Section title="Effective access" description={readOnly && policy.published ? "Machines by actions: what the published version decides." : "Machines by actions: what the draft and the published version decide."}>
          <AccessMatrix
            document={doc}
            draft={draftCompiled}
            published={publishedCompiled}
            showsPublished={readOnly && policy.published !== null}
            machines={machines.data?.items ?? []}
            suggestedActions={suggested.actions}
            sim={sim}
          />
        </Section>
        <VersionsPanel
          policyId={policy.id}
          versions={policy.versions}
          latest={policy.latestVersion}
          canWrite={canWrite}
          onRolledBack={async (version) => {
            setAnnouncement(`Rolled back: published v${version}.`);
            // Unsaved edits survive a rollback; otherwise the editor starts from what is now in force.
            await reload(!dirty);
          }}
        />
      </div>
    </>
  );
}
