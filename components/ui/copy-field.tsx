"use client";

import { useId } from "react";
import { Button } from "./button";
import { CopyStatus, useCopy } from "./copy-button";

/** A read-only value (a one-time link) with a copy button that says when it worked. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const [state, copy] = useCopy(value);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="block w-full min-w-0 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950" />
        <Button onClick={copy}>Copy</Button>
      </div>
      <CopyStatus state={state} showCopied className="mt-1 block min-h-4" />
    </div>
  );
}
