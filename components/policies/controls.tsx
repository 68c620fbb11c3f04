"use client";

/**
 * Small controls of the policy editor. components/ui is shared (and being reworked), so the
 * few editor-specific primitives live here: a field with its error wired by aria-describedby,
 * an input that keeps what is typed while the document holds the parsed value, and a list of
 * patterns edited one at a time with suggestions from a <datalist>.
 */
import { useId, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { ErrorMessage } from "../ui/alert";
import { Badge, type BadgeStyle } from "../ui/badge";
import { Button } from "../ui/button";
import { describedBy, INPUT_CLASS } from "../ui/field";

export const SMALL_INPUT = INPUT_CLASS.replace("mt-1 ", "mt-0.5 ").replace("px-3 py-2", "px-2 py-1.5");

/** An error next to the field at fault; polite (it updates as the operator types). */
export function FieldError({ id, message }: { id: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-xs font-medium text-red-700 dark:text-red-300">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}

/** A field's hint and error under it, with the ids its control's aria-describedby names (`${id}-hint`, `${id}-error`). */
function FieldNotes({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | null }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </>
  );
}

type Aria = { id: string; "aria-invalid"?: true; "aria-describedby"?: string };

/** A label, one control and its hint and error, wired for screen readers. */
export function EditorField({ label, hint, error, className = "", children }: { label: ReactNode; hint?: ReactNode; error?: string | null; className?: string; children: (aria: Aria) => ReactNode }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(hint && `${id}-hint`, error && `${id}-error`) })}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/**
 * A text input over a parsed value: the text stays as typed (`1.` or `a, b,`) while `onValue`
 * receives the parsed value; when the value changes from outside (the JSON view, an undo), the
 * text follows.
 */
export function BufferedInput<T>({
  value,
  format,
  parse,
  onValue,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & { value: T; format: (v: T) => string; parse: (text: string) => T; onValue: (v: T) => void }) {
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState(value);
  if (!Object.is(seen, value) && JSON.stringify(seen) !== JSON.stringify(value)) {
    setSeen(value);
    if (JSON.stringify(parse(text)) !== JSON.stringify(value)) setText(format(value));
  }
  return (
    <input
      {...props}
      value={text}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        const parsed = parse(next);
        setSeen(parsed);
        onValue(parsed);
      }}
    />
  );
}

/** A number when the text is one, else the text itself (so validation names the field). */
export function parseNumberish(text: string): number | string {
  const t = text.trim();
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  return text;
}

export function formatNumberish(value: unknown): string {
  return typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
}

/**
 * Patterns (actions, resources, tags, address ranges) as removable chips plus one input that
 * adds on Enter, on "Add" or when leaving the field; `suggestions` fill a <datalist>.
 */
export function PatternList({
  label,
  itemLabel,
  values,
  onChange,
  suggestions = [],
  placeholder,
  error,
  hint,
  readOnly,
}: {
  label: string;
  itemLabel: string;
  values: string[];
  onChange: (values: string[]) => void;
  suggestions?: readonly string[];
  placeholder?: string;
  error?: string | null;
  hint?: ReactNode;
  readOnly?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const add = () => {
    const items = text
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) return;
    onChange([...values, ...items.filter((v) => !values.includes(v))]);
    setText("");
  };
  const offered = suggestions.filter((s) => !values.includes(s));
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {values.length > 0 ? (
        <ul aria-label={label} className="mt-1 flex flex-wrap gap-1">
          {values.map((value, i) => (
            <li key={`${value}-${i}`} className="inline-flex items-center gap-1 rounded-md border border-zinc-300 bg-zinc-50 py-0.5 pl-2 pr-0.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-800">
              <span className="break-all">{value}</span>
              {readOnly ? null : (
                <button
                  type="button"
                  aria-label={`Remove ${itemLabel} ${value}`}
                  onClick={() => onChange(values.filter((_, j) => j !== i))}
                  className="rounded px-1 text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
                >
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-xs italic text-zinc-600 dark:text-zinc-400">None yet.</p>
      )}
      {readOnly ? null : (
        <div className="mt-1 flex gap-1">
          <input
            id={id}
            list={offered.length ? `${id}-list` : undefined}
            value={text}
            placeholder={placeholder}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
            onBlur={add}
            className={`${SMALL_INPUT} mt-0 font-mono`}
          />
          <Button onClick={add} className="shrink-0 px-2 py-1 text-xs" aria-label={`Add ${itemLabel}`}>
            Add
          </Button>
          {offered.length ? (
            <datalist id={`${id}-list`}>
              {offered.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          ) : null}
        </div>
      )}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/** A small secondary button for card toolbars. */
export function SmallButton(props: React.ComponentProps<typeof Button>) {
  return <Button {...props} className={`px-2 py-1 text-xs ${props.className ?? ""}`} />;
}

/** The required change note of a publish or a rollback; `onChange` gets the text as typed. */
export function ChangeNoteField({ value, error, hint, onChange }: { value: string; error: string | null; hint?: ReactNode; onChange: (note: string) => void }) {
  return (
    <EditorField label="Change note (required)" error={error} hint={hint}>
      {(aria) => <textarea {...aria} data-autofocus rows={3} value={value} onChange={(e) => onChange(e.currentTarget.value)} className={SMALL_INPUT} />}
    </EditorField>
  );
}

/** The end of a dialog's form: the error of the last attempt, Cancel and the submit button (both disabled while busy). */
export function DialogFormActions({ error, busy, onCancel, submitLabel }: { error: string | null; busy: boolean; onCancel: () => void; submitLabel: ReactNode }) {
  return (
    <>
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={busy}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}

/** What a decision looks like: word and symbol, not color alone. */
export const VERDICT: Record<string, BadgeStyle> = {
  allow: { label: "Allow", symbol: "✓", tone: "success" },
  allow_with_approval: { label: "Allow with approval", symbol: "◔", tone: "warning" },
  deny: { label: "Deny", symbol: "✕", tone: "danger" },
};

export function VerdictBadge({ decision, className = "" }: { decision: string; className?: string }) {
  const v = VERDICT[decision] ?? VERDICT.deny!;
  return <Badge style={v} data-verdict={decision} className={className} />;
}
