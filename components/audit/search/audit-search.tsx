"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { SEARCH_DECISIONS, SEARCH_OUTCOMES, type FacetCount } from "@/lib/audit/search/wire";
import { ErrorMessage, Loading } from "../../ui/alert";
import { Button } from "../../ui/button";
import { InputField, SelectField } from "../../ui/field";
import { EmptySearch } from "./empty-search";
import { isFiltered, readSearch, searchParamsOf, type SearchState } from "./params";
import { useAuditSearch } from "./queries";
import { ResultList } from "./result-list";

const withCount = (value: string, facet: FacetCount[] | undefined) => {
  const count = facet?.find((f) => f.value === value)?.count;
  return count === undefined ? value : `${value} (${count.toLocaleString("en-US")})`;
};

/** The Audit page's search: every filter lives in the address; results page by keyset. */
export function AuditSearch() {
  const pathname = usePathname();
  const state = readSearch(new URLSearchParams(useSearchParams().toString()));
  const query = searchParamsOf(state).toString();
  const search = useAuditSearch(query);

  // Filters change the address: pushState integrates with Next's router (useSearchParams
  // follows it; back, forward and reload show the same search) without a server round trip.
  const navigate = useCallback(
    (next: SearchState) => {
      const text = searchParamsOf(next).toString();
      window.history.pushState(null, "", text ? `${pathname}?${text}` : pathname);
    },
    [pathname],
  );
  const change = (patch: Partial<SearchState>) => navigate({ ...readSearch(new URLSearchParams(window.location.search)), ...patch });

  // Typed fields are drafts until the form is submitted; the address may change under them.
  const typed = { q: state.q, machine: state.machine, operator: state.operator, action: state.action, from: state.from, to: state.to };
  const [draft, setDraft] = useState(typed);
  const [synced, setSynced] = useState(query);
  if (query !== synced) {
    setSynced(query);
    setDraft(typed);
  }
  const field = (key: keyof typeof typed) => ({ value: draft[key], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.currentTarget.value }) });

  const pages = search.data?.pages ?? [];
  const first = pages[0];
  const entries = pages.flatMap((p) => p.entries);
  const exportHref = (format: "jsonl" | "csv") => `/api/audit/export?${new URLSearchParams([["format", format], ...searchParamsOf(state)]).toString()}`;
  const typeOptions = [...new Set([...state.type, ...(first?.facets.type.map((f) => f.value) ?? [])])];

  return (
    <section aria-labelledby="audit-search-heading" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="audit-search-heading" className="sr-only">
        Search the trail
      </h2>
      <form
        role="search"
        aria-label="Search the audit trail"
        className="grid gap-3 border-b border-zinc-200 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-zinc-800"
        onSubmit={(e) => {
          e.preventDefault();
          const trimmed = Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim()]));
          change(trimmed);
        }}
      >
        <InputField label="Search text" className="sm:col-span-2" type="search" placeholder="Words in summaries and evidence; pay* for a prefix" autoComplete="off" spellCheck={false} {...field("q")} />
        <InputField label="From (UTC date or time)" placeholder="2026-12-04" autoComplete="off" {...field("from")} />
        <InputField label="Before (UTC date or time)" placeholder="2026-12-05T12:00Z" autoComplete="off" {...field("to")} />
        <InputField label="Machine id" autoComplete="off" spellCheck={false} {...field("machine")} />
        <InputField label="Operator id" autoComplete="off" spellCheck={false} {...field("operator")} />
        <InputField label="Intent action" placeholder="payments.transfer" autoComplete="off" spellCheck={false} {...field("action")} />
        <SelectField
          label="Event type"
          value={state.type[0] ?? ""}
          onChange={(e) => change({ type: e.currentTarget.value ? [e.currentTarget.value] : [] })}
          options={[{ value: "", label: "Any type" }, ...typeOptions.map((t) => ({ value: t, label: withCount(t, first?.facets.type) }))]}
        />
        <SelectField
          label="Policy decision"
          value={state.decision}
          onChange={(e) => change({ decision: e.currentTarget.value })}
          options={[{ value: "", label: "Any decision" }, ...SEARCH_DECISIONS.map((d) => ({ value: d, label: withCount(d, first?.facets.decision) }))]}
        />
        <SelectField
          label="Outcome"
          value={state.outcome}
          onChange={(e) => change({ outcome: e.currentTarget.value })}
          options={[{ value: "", label: "Any outcome" }, ...SEARCH_OUTCOMES.map((o) => ({ value: o, label: withCount(o, first?.facets.outcome) }))]}
        />
        <div className="flex flex-wrap items-end gap-2 sm:col-span-2">
          <Button type="submit" variant="primary">
            Search
          </Button>
          {isFiltered(state) ? <Button onClick={() => navigate(readSearch(new URLSearchParams()))}>Clear filters</Button> : null}
          <a className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800" href={exportHref("jsonl")} download>
            Export JSONL
          </a>
          <a className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800" href={exportHref("csv")} download>
            Export CSV
          </a>
        </div>
      </form>

      {first?.capped ? (
        <p className="border-b border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          Counts next to the filters are taken from the newest {first.facetScanLimit.toLocaleString("en-US")} entries this search examined; older entries may match too, so the full counts can be higher.
        </p>
      ) : null}

      <div className="p-4" aria-busy={search.isFetching}>
        {search.isError ? (
          <div className="space-y-3">
            <ErrorMessage>Could not search the trail: {search.error.message}</ErrorMessage>
            <Button onClick={() => void search.refetch()}>Retry</Button>
          </div>
        ) : search.isPending ? (
          <Loading label="Searching the trail…" />
        ) : entries.length === 0 ? (
          <EmptySearch state={state} onChange={navigate} />
        ) : (
          <>
            <ResultList entries={entries} />
            <div className="mt-4 flex items-center gap-3">
              {search.hasNextPage ? (
                <Button onClick={() => void search.fetchNextPage()} disabled={search.isFetchingNextPage}>
                  {search.isFetchingNextPage ? "Loading…" : "Load more"}
                </Button>
              ) : (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">End of the results.</p>
              )}
              <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
                {entries.length.toLocaleString("en-US")} shown
              </p>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
