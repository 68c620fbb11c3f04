/**
 * The search as the page keeps it in its address (lib/audit/search/wire.ts SEARCH_PARAMS):
 * read from and written to the URL, so reload, back and a shared link reproduce it.
 */
import { SEARCH_PARAMS } from "@/lib/audit/search/wire";

export interface SearchState {
  q: string;
  from: string;
  to: string;
  type: string[];
  machine: string;
  operator: string;
  action: string;
  decision: string;
  outcome: string;
}

export type SingleFilter = Exclude<keyof SearchState, "type">;
export const SINGLE_FILTERS: SingleFilter[] = ["q", "from", "to", "machine", "operator", "action", "decision", "outcome"];

export const EMPTY_SEARCH: SearchState = { q: "", from: "", to: "", type: [], machine: "", operator: "", action: "", decision: "", outcome: "" };

export function readSearch(params: URLSearchParams): SearchState {
  const state: SearchState = { ...EMPTY_SEARCH, type: params.getAll(SEARCH_PARAMS.type).filter(Boolean) };
  for (const key of SINGLE_FILTERS) state[key] = (params.get(SEARCH_PARAMS[key]) ?? "").trim();
  return state;
}

/** Only the filters that are set, in a stable order: the query string of the API and the page. */
export function searchParamsOf(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of SINGLE_FILTERS) if (state[key]) params.set(SEARCH_PARAMS[key], state[key]);
  for (const type of state.type) params.append(SEARCH_PARAMS.type, type);
  return params;
}

export const isFiltered = (state: SearchState): boolean => searchParamsOf(state).toString() !== "";

/** Names of the active filters, for the "nothing matches" message. */
export const FILTER_LABELS: Record<SingleFilter | "type", string> = {
  q: "Text",
  from: "From",
  to: "Until",
  type: "Type",
  machine: "Machine",
  operator: "Operator",
  action: "Action",
  decision: "Decision",
  outcome: "Outcome",
};
