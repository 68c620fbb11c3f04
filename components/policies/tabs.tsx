"use client";

/** Tabs per the WAI-ARIA pattern: arrow keys, Home and End move between tabs; panels stay mounted. */
import { useId, useRef, type ReactNode } from "react";

export function Tabs({ label, tabs, selected, onSelect }: { label: string; tabs: { key: string; label: ReactNode; panel: ReactNode }[]; selected: string; onSelect: (key: string) => void }) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const index = Math.max(0, tabs.findIndex((t) => t.key === selected));
  const go = (i: number) => {
    const next = (i + tabs.length) % tabs.length;
    onSelect(tabs[next]!.key);
    refs.current[next]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label={label} className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {tabs.map((tab, i) => (
          <button
            key={tab.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.key}`}
            aria-selected={i === index}
            aria-controls={`${base}-panel-${tab.key}`}
            tabIndex={i === index ? 0 : -1}
            onClick={() => onSelect(tab.key)}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight") go(i + 1);
              else if (e.key === "ArrowLeft") go(i - 1);
              else if (e.key === "Home") go(0);
              else if (e.key === "End") go(tabs.length - 1);
              else return;
              e.preventDefault();
            }}
            className={`-mb-px border-b-2 px-3 py-1.5 text-sm font-medium ${
              i === index ? "border-indigo-600 text-zinc-900 dark:border-indigo-400 dark:text-zinc-100" : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            }`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab, i) => (
        <div key={tab.key} role="tabpanel" id={`${base}-panel-${tab.key}`} aria-labelledby={`${base}-tab-${tab.key}`} hidden={i !== index} className="pt-3">
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
