"use client";

/**
 * Stacked bars, hand-written in SVG. A chart library was considered: recharts 3 (the usual
 * choice) works with React 19 but brings redux toolkit, immer and d3 pieces, far more script
 * than three small bar charts justify on a page that should stay light. Accessibility is ours
 * to get right: every bar is focusable with a spoken summary, each series has a word and a
 * symbol in the legend (color is never the only cue), and the same numbers are a table.
 */
import { useId, useState } from "react";

export interface Series {
  key: string;
  label: string;
  symbol: string;
  /** Tailwind fill classes, light and dark. */
  fill: string;
}

export interface BarDatum {
  /** Short axis label ("14:00", "Dec 3") and the full one for summaries and the table. */
  tick: string;
  label: string;
  values: Record<string, number>;
}

const WIDTH = 720;
const HEIGHT = 160;
const AXIS = 18;

export function StackedBarChart({ title, series, data, emptyText }: { title: string; series: Series[]; data: BarDatum[]; emptyText: string }) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const totals = data.map((d) => series.reduce((n, s) => n + (d.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  return (
    <figure aria-labelledby={`${id}-title`} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" data-chart={title}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <figcaption id={`${id}-title`} className="text-sm font-semibold">
          {title} <span className="font-normal text-zinc-600 dark:text-zinc-400">({total.toLocaleString("en-US")} in total)</span>
        </figcaption>
        <button type="button" aria-pressed={asTable} onClick={() => setAsTable(!asTable)} className="rounded text-xs text-indigo-700 underline underline-offset-2 hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-300 dark:hover:text-indigo-100">
          {asTable ? "Show as chart" : "Show as table"}
        </button>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label={`${title}: legend`}>
        {series.map((s) => (
          <li key={s.key} className="flex items-center gap-1">
            <svg width="10" height="10" aria-hidden="true" className={s.fill}>
              <rect width="10" height="10" rx="2" />
            </svg>
            <span aria-hidden="true">{s.symbol}</span> {s.label}
          </li>
        ))}
      </ul>
      {total === 0 ? <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">{emptyText}</p> : null}
      {asTable ? <ChartTable title={title} series={series} data={data} totals={totals} /> : <Bars series={series} data={data} totals={totals} max={max} />}
    </figure>
  );
}

function Bars({ series, data, totals, max }: { series: Series[]; data: BarDatum[]; totals: number[]; max: number }) {
  const slot = WIDTH / data.length;
  const barWidth = Math.max(4, slot * 0.7);
  const tickEvery = Math.ceil(data.length / 8);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} className="mt-3 h-auto w-full" role="group" aria-label="Bars, one per period; focus a bar to hear its counts">
      <line x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="stroke-zinc-300 dark:stroke-zinc-700" />
      {data.map((d, i) => {
        let y = HEIGHT;
        const x = i * slot + (slot - barWidth) / 2;
        const parts = series.filter((s) => (d.values[s.key] ?? 0) > 0).map((s) => `${d.values[s.key]} ${s.label.toLowerCase()}`);
        const summary = `${d.label}: ${totals[i] === 0 ? "none" : parts.join(", ")}`;
        return (
          <g key={d.label} tabIndex={0} role="img" aria-label={summary} className="group outline-none" data-total={totals[i]}>
            <title>{summary}</title>
            <rect x={i * slot} y={0} width={slot} height={HEIGHT} className="fill-transparent group-hover:fill-zinc-100 group-focus:fill-indigo-100 dark:group-hover:fill-zinc-800 dark:group-focus:fill-indigo-950" />
            {series.map((s) => {
              const value = d.values[s.key] ?? 0;
              if (value === 0) return null;
              const h = Math.max(1, (value / max) * (HEIGHT - 4));
              y -= h;
              return <rect key={s.key} x={x} y={y} width={barWidth} height={h} className={s.fill} />;
            })}
            {i % tickEvery === 0 ? (
              <text x={i * slot + slot / 2} y={HEIGHT + 13} textAnchor="middle" className="fill-zinc-600 text-[10px] dark:fill-zinc-400">
                {d.tick}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

function ChartTable({ title, series, data, totals }: { title: string; series: Series[]; data: BarDatum[]; totals: number[] }) {
  return (
    <div className="mt-3 max-h-72 overflow-auto">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">{title}</caption>
        <thead className="sticky top-0 bg-white dark:bg-zinc-900">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Period (UTC)
            </th>
            {series.map((s) => (
              <th key={s.key} scope="col" className="py-1 pr-3 text-right font-medium">
                {s.label}
              </th>
            ))}
            <th scope="col" className="py-1 text-right font-medium">
              Total
            </th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {data.map((d, i) => (
            <tr key={d.label} className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1 pr-3 font-normal">
                {d.label}
              </th>
              {series.map((s) => (
                <td key={s.key} className="py-1 pr-3 text-right">
                  {d.values[s.key] ?? 0}
                </td>
              ))}
              <td className="py-1 text-right">{totals[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
