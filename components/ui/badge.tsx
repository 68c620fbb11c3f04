/**
 * The one status badge: a tone (color) AND a word AND a symbol, so color is never the only cue.
 * Each domain keeps its own table of statuses (label, symbol, tone); the look lives here.
 */
import type { HTMLAttributes } from "react";

const TONES = {
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  info: "border-indigo-300 bg-indigo-50 text-indigo-900 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
  danger: "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200",
  neutral: "border-zinc-400 bg-zinc-100 text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200",
} as const;

export type BadgeTone = keyof typeof TONES;

/** The tone's border, background and text classes, for a badge-like element of another shape. */
export function toneClass(tone: BadgeTone): string {
  return TONES[tone];
}

export interface BadgeStyle {
  label: string;
  symbol: string;
  tone: BadgeTone;
}

export function Badge({ style, className = "", ...rest }: { style: BadgeStyle } & HTMLAttributes<HTMLSpanElement> & Record<`data-${string}`, string>) {
  return (
    <span {...rest} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${toneClass(style.tone)} ${className}`}>
      <span aria-hidden="true">{style.symbol}</span>
      {style.label}
    </span>
  );
}
