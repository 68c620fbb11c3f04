"use client";

import { useId, useState } from "react";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { shortenParams } from "./logic";

/**
 * The machine's parameters as pretty-printed JSON text in a <pre>: React renders it as text, so
 * markup in keys or values (`<script>`, `<img onerror>`) shows literally and never runs. Long
 * strings are shortened, with a control to show them in full; long lines wrap.
 */
export function ParamsView({ params, label = "Parameters" }: { params: Record<string, unknown>; label?: string }) {
  const [full, setFull] = useState(false);
  const id = useId();
  const exact = JSON.stringify(params, null, 2);
  const short = shortenParams(params);
  const text = full || short.cut === 0 ? exact : JSON.stringify(short.value, null, 2);
  return (
    <div className="min-w-0 space-y-2">
      <pre
        id={id}
        aria-label={label}
        data-testid="intent-params"
        tabIndex={0}
        className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
      >
        <code>{text}</code>
      </pre>
      <div className="flex flex-wrap items-center gap-2">
        {short.cut > 0 ? (
          <Button aria-controls={id} aria-expanded={full} onClick={() => setFull(!full)} className="px-2 py-1 text-xs">
            {full ? "Shorten long values" : `Show full values (${short.cut} shortened)`}
          </Button>
        ) : null}
        <CopyButton value={exact} label={`Copy ${label.toLowerCase()} (JSON)`} />
      </div>
    </div>
  );
}
