"use client";

import { useState } from "react";
import { Button } from "./button";

export type CopyState = "idle" | "copied" | "failed";

/** Writes a value to the clipboard and remembers whether that worked: the one place the Console copies. */
export function useCopy(value: string): [CopyState, () => Promise<void>] {
  const [state, setState] = useState<CopyState>("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return [state, copy];
}

/** Says (politely, to screen readers too) whether copying worked; success only to screen readers unless `showCopied`. */
export function CopyStatus({ state, showCopied = false, className = "" }: { state: CopyState; showCopied?: boolean; className?: string }) {
  const copied = "Copied to the clipboard.";
  return (
    <span role="status" className={`text-xs text-zinc-600 dark:text-zinc-400 ${className}`}>
      {state === "failed" ? "Could not copy; select the text and copy it yourself." : null}
      {state === "copied" ? showCopied ? copied : <span className="sr-only">{copied}</span> : null}
    </span>
  );
}

/** Copies a value; says (politely, to screen readers too) whether it worked. */
export function CopyButton({ value, label = "Copy", className = "" }: { value: string; label?: string; className?: string }) {
  const [state, copy] = useCopy(value);
  return (
    <span className={`inline-flex items-center gap-2 ${className}`}>
      <Button aria-label={label} onClick={copy} className="px-2 py-1 text-xs">
        {state === "copied" ? "Copied" : "Copy"}
      </Button>
      <CopyStatus state={state} />
    </span>
  );
}

/** A command or value in a monospace block, with its copy button. */
export function CodeBlock({ value, label, copyLabel }: { value: string; label: string; copyLabel?: string }) {
  return (
    <figure className="space-y-1">
      <figcaption className="flex items-center justify-between gap-2 text-sm font-medium">
        <span>{label}</span>
        <CopyButton value={value} label={copyLabel ?? `Copy ${label.toLowerCase()}`} />
      </figcaption>
      <pre aria-label={label} className="overflow-x-auto whitespace-pre-wrap break-all rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100">
        <code>{value}</code>
      </pre>
    </figure>
  );
}
