import { Button } from "../../ui/button";
import { EmptyState } from "../../ui/empty-state";
import { FILTER_LABELS, isFiltered, SINGLE_FILTERS, type SearchState } from "./params";

/** Nothing matched: say which filters narrowed it, and offer to remove each one. */
export function EmptySearch({ state, onChange }: { state: SearchState; onChange: (next: SearchState) => void }) {
  if (!isFiltered(state)) {
    return (
      <EmptyState title="The trail is empty">
        <p>Entries appear here as machines sign requests and operators make changes.</p>
      </EmptyState>
    );
  }
  const active = [
    ...SINGLE_FILTERS.filter((key) => state[key]).map((key) => ({ key, label: FILTER_LABELS[key], value: state[key], clear: { ...state, [key]: "" } })),
    ...state.type.map((type) => ({ key: `type-${type}`, label: FILTER_LABELS.type, value: type, clear: { ...state, type: state.type.filter((t) => t !== type) } })),
  ];
  return (
    <EmptyState title="No entries match this search">
      <p>Every filter must hold at once. Remove one to widen the search:</p>
      <ul className="mt-3 flex flex-wrap justify-center gap-2">
        {active.map((filter) => (
          <li key={filter.key}>
            <Button onClick={() => onChange(filter.clear)} aria-label={`Remove filter ${filter.label}: ${filter.value}`}>
              {filter.label}: <span className="max-w-48 truncate font-mono">{filter.value}</span> ✕
            </Button>
          </li>
        ))}
      </ul>
      {state.q ? <p className="mt-3">Text search matches whole words; end a word with * to match words that start with it.</p> : null}
    </EmptyState>
  );
}
