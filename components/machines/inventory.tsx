"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { InputField, SelectField } from "../ui/field";
import { formatCount } from "./format";
import { EnrollMachineButton } from "./enroll-dialog";
import { MACHINE_STATUS_LIST, SORT_KEYS, useMachineList, type MachineListParams, type MachineView, type SortKey, type SortOrder } from "./queries";
import { RegisterKeyButton } from "./register-key-dialog";
import { RelativeTime } from "./relative-time";
import { StatusBadge, statusLabel, TagList } from "./status-badge";
import { useNow } from "./use-now";

const PAGE_SIZE = 50;
const DEFAULT_SORT: SortKey = "name";
/** Clicking a column first sorts the way people usually want it: names A-Z, newest times first. */
const FIRST_ORDER: Record<SortKey, SortOrder> = { name: "asc", status: "asc", environment: "asc", lastSeenAt: "desc", createdAt: "desc" };
const SEARCH_DELAY_MS = 300;

function readParams(search: URLSearchParams): MachineListParams {
  const sortParam = search.get("sort") ?? "";
  const sort = (SORT_KEYS as readonly string[]).includes(sortParam) ? (sortParam as SortKey) : DEFAULT_SORT;
  const orderParam = search.get("order");
  const order: SortOrder = orderParam === "asc" || orderParam === "desc" ? orderParam : FIRST_ORDER[sort];
  const page = Number.parseInt(search.get("page") ?? "1", 10);
  const status = search.get("status") ?? "";
  return {
    q: (search.get("q") ?? "").trim(),
    status: (MACHINE_STATUS_LIST as readonly string[]).includes(status) ? status : "",
    tag: search.get("tag") ?? "",
    environment: search.get("environment") ?? "",
    sort,
    order,
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
    pageSize: PAGE_SIZE,
  };
}

/** Only what differs from the defaults goes into the address, so plain /machines stays plain. */
function urlFor(pathname: string, params: MachineListParams): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.status) search.set("status", params.status);
  if (params.tag) search.set("tag", params.tag);
  if (params.environment) search.set("environment", params.environment);
  if (params.sort !== DEFAULT_SORT || params.order !== FIRST_ORDER[params.sort]) {
    search.set("sort", params.sort);
    search.set("order", params.order);
  }
  if (params.page > 1) search.set("page", String(params.page));
  const query = search.toString();
  return query ? `${pathname}?${query}` : pathname;
}

const COLUMNS: { key: string; label: string; sort?: SortKey; className?: string }[] = [
  { key: "name", label: "Name", sort: "name", className: "min-w-48" },
  { key: "status", label: "Status", sort: "status" },
  { key: "tags", label: "Tags" },
  { key: "environment", label: "Environment", sort: "environment" },
  { key: "owner", label: "Owner" },
  { key: "lastSeenAt", label: "Last seen", sort: "lastSeenAt" },
  { key: "createdAt", label: "Created", sort: "createdAt" },
];

const SORT_WORDS: Record<SortKey, string> = { name: "name", status: "status", environment: "environment", lastSeenAt: "last seen", createdAt: "created" };

export function MachineInventory({ canWrite }: { canWrite: boolean }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const params = readParams(new URLSearchParams(searchParams.toString()));
  const list = useMachineList(params);
  const now = Math.max(useNow(), list.dataUpdatedAt);

  // State lives in the address: pushState integrates with Next's router (useSearchParams
  // follows it, back and forward work) without a server round trip.
  const navigate = useCallback(
    (change: Partial<MachineListParams>, mode: "push" | "replace" = "push") => {
      const next = { ...readParams(new URLSearchParams(window.location.search)), ...change };
      const url = urlFor(pathname, next);
      if (mode === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    },
    [pathname],
  );

  // The search box: typed text is local; the address (and the query) follow after a pause.
  const [text, setText] = useState(params.q);
  const [syncedQ, setSyncedQ] = useState(params.q);
  if (params.q !== syncedQ) {
    // The address changed under us (back/forward, "Clear filters"): show what it says.
    setSyncedQ(params.q);
    setText(params.q);
  }
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === params.q) return;
    const timer = setTimeout(() => navigate({ q: wanted, page: 1 }, "replace"), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, params.q, navigate]);

  const filtered = params.q !== "" || params.status !== "" || params.tag !== "" || params.environment !== "";
  const data = list.data;
  const facets = data?.facets ?? { environments: [], tags: [] };
  const withCurrent = (values: string[], current: string) => (current && !values.includes(current) ? [current, ...values] : values);

  const first = data && data.items.length > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const last = data ? first + data.items.length - (data.items.length > 0 ? 1 : 0) : 0;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <section aria-labelledby="inventory-heading" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="inventory-heading" className="sr-only">
        Inventory
      </h2>
      <form
        role="search"
        aria-label="Search and filter machines"
        className="flex flex-wrap items-end gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ q: text.trim(), page: 1 }, "replace");
        }}
      >
        <InputField
          label="Search"
          className="min-w-56 flex-[2]"
          type="search"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder="Name, id, key id, owner or description"
          autoComplete="off"
          spellCheck={false}
        />
        <FilterSelect label="Status" value={params.status} onChange={(status) => navigate({ status, page: 1 })} options={MACHINE_STATUS_LIST.map((s) => ({ value: s, label: statusLabel(s) }))} />
        <FilterSelect label="Tag" value={params.tag} onChange={(tag) => navigate({ tag, page: 1 })} options={withCurrent(facets.tags, params.tag).map((t) => ({ value: t, label: t }))} />
        <FilterSelect
          label="Environment"
          value={params.environment}
          onChange={(environment) => navigate({ environment, page: 1 })}
          options={withCurrent(facets.environments, params.environment).map((e) => ({ value: e, label: e }))}
        />
        {filtered ? (
          <Button
            onClick={() => {
              setText("");
              navigate({ q: "", status: "", tag: "", environment: "", page: 1 });
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </form>

      {list.isError ? (
        <div className="space-y-3 p-4">
          <ErrorMessage>Could not load machines: {list.error.message}</ErrorMessage>
          <Button onClick={() => void list.refetch()} disabled={list.isFetching}>
            {list.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}

      {data && data.total === 0 && !filtered ? (
        <div className="p-4">
          <EmptyState title="No machines enrolled">
            <p>Every service, CI job or agent gets its own Ed25519 key, generated on the machine and never sent anywhere. Enroll one with a one-time ticket and a single command.</p>
            {canWrite ? (
              <div className="mt-4 flex flex-wrap justify-center gap-2">
                <EnrollMachineButton />
                <RegisterKeyButton />
              </div>
            ) : (
              <p className="mt-2">An operator with the editor role can enroll machines.</p>
            )}
          </EmptyState>
        </div>
      ) : data && data.total === 0 ? (
        <div className="p-4">
          <EmptyState title="No machines match">
            <p>
              {params.q && (params.status || params.tag || params.environment) ? (
                <>No machine matches &ldquo;{params.q}&rdquo; with these filters.</>
              ) : params.q ? (
                <>No machine matches &ldquo;{params.q}&rdquo;.</>
              ) : (
                "No machine matches these filters."
              )}
            </p>
            <div className="mt-4">
              <Button
                onClick={() => {
                  setText("");
                  navigate({ q: "", status: "", tag: "", environment: "", page: 1 });
                }}
              >
                Clear filters
              </Button>
            </div>
          </EmptyState>
        </div>
      ) : data && data.items.length === 0 ? (
        <div className="p-4">
          <EmptyState title="Past the last page">
            <p>There are {formatCount(data.total)} machines; this page is beyond them.</p>
            <div className="mt-4">
              <Button onClick={() => navigate({ page: 1 })}>Go to the first page</Button>
            </div>
          </EmptyState>
        </div>
      ) : list.isError && !data ? null : (
        <>
          <div className="overflow-x-auto">
            <table aria-label="Machines" aria-busy={list.isFetching} aria-describedby="inventory-summary" className={`w-full text-left text-sm ${list.isPlaceholderData ? "opacity-60" : ""}`}>
              <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                <tr>
                  {COLUMNS.map((col) => (
                    <th
                      key={col.key}
                      scope="col"
                      aria-sort={col.sort && params.sort === col.sort ? (params.order === "asc" ? "ascending" : "descending") : undefined}
                      className={`whitespace-nowrap px-4 py-2 font-medium ${col.className ?? ""}`}
                    >
                      {col.sort ? (
                        <SortButton
                          label={col.label}
                          active={params.sort === col.sort}
                          order={params.order}
                          onClick={() => {
                            const key = col.sort as SortKey;
                            const order = params.sort === key ? (params.order === "asc" ? "desc" : "asc") : FIRST_ORDER[key];
                            navigate({ sort: key, order, page: 1 });
                          }}
                        />
                      ) : (
                        col.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {data ? data.items.map((machine) => <MachineRow key={machine.id} machine={machine} now={now} />) : <SkeletonRows />}
              </tbody>
            </table>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800">
            <p id="inventory-summary" role="status" className="text-zinc-700 dark:text-zinc-300">
              {data ? (
                <>
                  {formatCount(first)}–{formatCount(last)} of {formatCount(data.total)}
                  <span className="sr-only">
                    {" "}
                    machines, sorted by {SORT_WORDS[params.sort]} {params.order === "asc" ? "ascending" : "descending"}
                  </span>
                </>
              ) : (
                "Loading machines…"
              )}
            </p>
            <nav aria-label="Pages" className="flex items-center gap-2">
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                Page {formatCount(data?.page ?? params.page)} of {formatCount(pages)}
              </span>
              <Button onClick={() => navigate({ page: params.page - 1 })} disabled={!data || params.page <= 1}>
                Previous
              </Button>
              <Button onClick={() => navigate({ page: params.page + 1 })} disabled={!data || params.page >= pages}>
                Next
              </Button>
            </nav>
          </div>
        </>
      )}
    </section>
  );
}

function SortButton({ label, active, order, onClick }: { label: string; active: boolean; order: SortOrder; onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase tracking-wide hover:text-zinc-900 dark:hover:text-zinc-100">
      {label}
      <span aria-hidden="true" className={`inline-block w-3 ${active ? "text-zinc-900 dark:text-zinc-100" : "text-zinc-400 dark:text-zinc-600"}`}>
        {active ? (order === "asc" ? "▲" : "▼") : "↕"}
      </span>
    </button>
  );
}

function FilterSelect({ label, value, onChange, options }: { label: string; value: string; onChange: (value: string) => void; options: { value: string; label: string }[] }) {
  return (
    <SelectField label={label} className="min-w-36 flex-1" value={value} onChange={(e) => onChange(e.currentTarget.value)} options={[{ value: "", label: "All" }, ...options]} />
  );
}

function MachineRow({ machine, now }: { machine: MachineView; now: number }) {
  return (
    <tr className="align-top hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
      <td className="max-w-xs px-4 py-2.5">
        <Link href={`/machines/${encodeURIComponent(machine.id)}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {machine.name}
        </Link>
        {machine.description ? <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{machine.description}</p> : null}
      </td>
      <td className="px-4 py-2.5">
        <StatusBadge status={machine.status} />
      </td>
      <td className="px-4 py-2.5">
        <TagList tags={machine.tags} label={`Tags of ${machine.name}`} />
      </td>
      <td className="whitespace-nowrap px-4 py-2.5">{machine.environment || <span className="text-zinc-600 dark:text-zinc-400">—</span>}</td>
      <td className="px-4 py-2.5">{machine.owner || <span className="text-zinc-600 dark:text-zinc-400">—</span>}</td>
      <td className="whitespace-nowrap px-4 py-2.5">
        <RelativeTime iso={machine.lastSeenAt} now={now} />
      </td>
      <td className="whitespace-nowrap px-4 py-2.5">
        <RelativeTime iso={machine.createdAt} now={now} />
      </td>
    </tr>
  );
}

function SkeletonRows() {
  return (
    <>
      {Array.from({ length: 6 }, (_, i) => (
        <tr key={i} aria-hidden="true">
          {COLUMNS.map((col) => (
            <td key={col.key} className="px-4 py-3">
              <span className="block h-4 w-full max-w-32 animate-pulse rounded bg-zinc-200 motion-reduce:animate-none dark:bg-zinc-800" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** What the page shows before the client takes over (the address is read in the browser). */
export function InventorySkeleton() {
  return (
    <div role="status" className="rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
      Loading machines…
    </div>
  );
}
