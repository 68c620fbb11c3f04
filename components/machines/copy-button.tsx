"use client";

import { useState } from "react";
import { Button } from "../ui/button";

/** Copies a value; says (politely, to screen readers too) whether it worked. */
export function CopyButton({ value, label = "Copy", className = "" }: { value: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className={`inline-flex items-center gap-2 ${className}`}>
      <Button
        aria-label={label}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setState("copied");
          } catch {
            setState("failed");
          }
        }}
        className="px-2 py-1 text-xs"
      >
        {state === "copied" ? "Copied" : "Copy"}
      </Button>
      <span role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
        {state === "failed" ? "Could not copy; select the text and copy it yourself." : state === "copied" ? <span className="sr-only">Copied to the clipboard.</span> : null}
      </span>
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
