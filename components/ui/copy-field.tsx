"use client";

import { useId, useState } from "react";
import { Button } from "./button";

/** A read-only value (a one-time link) with a copy button that says when it worked. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="block w-full min-w-0 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950" />
        <Button
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied("copied");
            } catch {
              setCopied("failed");
            }
          }}
        >
          Copy
        </Button>
      </div>
      <p role="status" className="mt-1 min-h-4 text-xs text-zinc-600 dark:text-zinc-400">
        {copied === "copied" ? "Copied to the clipboard." : copied === "failed" ? "Could not copy; select the text and copy it yourself." : ""}
      </p>
    </div>
  );
}
