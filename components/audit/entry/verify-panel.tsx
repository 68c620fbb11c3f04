"use client";

/**
 * "Verify in this browser": runs lib/audit/verify-entry.ts here, on the bytes the API sent and
 * the log key, with @noble/ed25519 and WebCrypto. The server's word counts for nothing: each
 * check is recomputed, and the key is shown with its fingerprint to compare with a pinned one.
 */
import { useState } from "react";
import { verifyCustody, type CheckKind, type CheckResult, type CustodyVerification } from "@/lib/audit/verify-entry";
import { nobleEd25519 } from "@/lib/protocol/ed25519-noble";
import { ErrorMessage } from "../../ui/alert";
import { Button } from "../../ui/button";
import { InputField } from "../../ui/field";
import { useLogKey, vkeyFingerprint, type AuditEntryDetail } from "./queries";

const CHECK_NAME: Record<CheckKind, string> = {
  checkpoint: "Checkpoint signature",
  hash: "Entry hash",
  link: "Hash link",
  signature: "Machine signature",
  approval: "Passkey approval",
  inclusion: "Merkle inclusion",
};

function Mark({ ok }: { ok: boolean }) {
  return (
    <span aria-hidden className={`font-bold ${ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
      {ok ? "✓" : "✕"}
    </span>
  );
}

function CheckRow({ check }: { check: CheckResult }) {
  return (
    <li className="py-1.5" data-check={check.kind} data-ok={check.ok}>
      <p className="flex gap-2 text-sm">
        <Mark ok={check.ok} />
        <span>
          <span className="font-medium">
            {CHECK_NAME[check.kind]}: {check.ok ? "passed" : "failed"}.
          </span>{" "}
          {check.sentence}
        </span>
      </p>
      {check.details ? (
        <details className="mt-1 ml-6 text-xs">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Details</summary>
          <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto rounded bg-zinc-100 p-2 break-all whitespace-pre-wrap dark:bg-zinc-950">{check.details}</pre>
        </details>
      ) : null}
    </li>
  );
}

function Results({ result }: { result: CustodyVerification }) {
  const all = [result.checkpoint, ...result.entries.flatMap((e) => e.checks)];
  const failed = all.filter((c) => !c.ok).length;
  return (
    <div className="mt-4 space-y-4">
      <p role={failed ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm font-medium ${failed ? "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100" : "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"}`}>
        {failed ? `${failed} of ${all.length} checks failed: this record was changed after it was signed, or does not come from this log.` : `All ${all.length} checks passed, computed in this browser.`}
      </p>
      <ul aria-label="Checkpoint">
        <CheckRow check={result.checkpoint} />
      </ul>
      {result.entries.map((e) => (
        <section key={e.seq} aria-label={`Entry ${e.seq}`} className="rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <h3 className="flex gap-2 text-sm font-semibold">
            <Mark ok={e.ok} /> Entry {e.seq} · <span className="font-mono font-normal break-all">{e.type}</span>
          </h3>
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {e.checks.map((c) => (
              <CheckRow key={c.kind} check={c} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

export function VerifyPanel({ detail }: { detail: AuditEntryDetail }) {
  const logKey = useLogKey();
  const [pinned, setPinned] = useState("");
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<CustodyVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = pinned.trim() || logKey.data?.vkey || "";

  const run = async () => {
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(await verifyCustody(detail, key, nobleEd25519));
    } catch (e) {
      setError(`The verification could not run: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Recomputes, here, each entry&apos;s hash and links, the machines&apos; Ed25519 signatures, the approvers&apos; passkey signatures, and each entry&apos;s inclusion in the latest checkpoint signed by the log key. Nothing the server says is taken on trust except the key below: compare its fingerprint with the one you pinned, or paste your pinned key.
      </p>
      <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-zinc-600 dark:text-zinc-400">Log key (served)</dt>
        <dd className="font-mono text-xs break-all" data-testid="log-vkey">
          {logKey.data?.vkey ?? (logKey.isError ? "could not be fetched" : "loading…")}
        </dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Fingerprint</dt>
        <dd className="font-mono text-xs break-all">{logKey.data ? `${vkeyFingerprint(logKey.data.vkey)} · key id ${logKey.data.keyId}` : "—"}</dd>
      </dl>
      <div className="mt-3 max-w-2xl">
        <InputField label="Pinned log key (optional)" hint="A vkey you saved earlier; it replaces the served key for this check." value={pinned} onChange={(e) => setPinned(e.target.value)} spellCheck={false} autoComplete="off" />
      </div>
      <div className="mt-3">
        <Button variant="primary" onClick={() => void run()} disabled={running || !key}>
          {running ? "Verifying…" : "Verify in this browser"}
        </Button>
      </div>
      {logKey.isError && !pinned ? <div className="mt-3"><ErrorMessage>The log key could not be fetched; paste the key you pinned to verify.</ErrorMessage></div> : null}
      {error ? <div className="mt-3"><ErrorMessage>{error}</ErrorMessage></div> : null}
      {result ? <Results result={result} /> : null}
    </div>
  );
}
