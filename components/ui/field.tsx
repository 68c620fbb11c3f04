import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

/** The look of every text input, text area and select; red when `aria-invalid`. */
export const INPUT_CLASS =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-[invalid=true]:border-red-500";

/** The ids given (skipping empty ones) as an `aria-describedby` value, or nothing. */
export function describedBy(...ids: unknown[]): string | undefined {
  const list = ids.filter((v): v is string => typeof v === "string" && v !== "").join(" ");
  return list || undefined;
}

/** A field's hint and error, with the ids `${id}-hint` and `${id}-error` its control points to. */
export function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | null }) {
  // Errors here come from a submit: announced at once.
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </>
  );
}

type FieldProps = { label: string; hint?: ReactNode; error?: string | null };

/** The label, the control (given the id and aria wiring) and the messages of one field. */
function Field({ label, hint, error, className, control }: FieldProps & { className: string; control: (aria: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(hint && `${id}-hint`, error && `${id}-error`) })}
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

/** A labelled text input with an optional hint and an error shown (and announced) next to it. */
export function InputField({ label, hint, error, className = "", ...props }: InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  return <Field label={label} hint={hint} error={error} className={className} control={(aria) => <input {...aria} className={INPUT_CLASS} {...props} />} />;
}

/** A labelled text area, like InputField; `inputClassName` styles the text area itself. */
export function TextAreaField({ label, hint, error, className = "", inputClassName = "", ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps & { inputClassName?: string }) {
  return <Field label={label} hint={hint} error={error} className={className} control={(aria) => <textarea {...aria} className={`${INPUT_CLASS} ${inputClassName}`} {...props} />} />;
}

/** A labelled select, like InputField, offering `options` in their order. */
export function SelectField({
  label,
  hint,
  error,
  className = "",
  options,
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> & FieldProps & { options: readonly { value: string | number; label: string }[] }) {
  return (
    <Field
      label={label}
      hint={hint}
      error={error}
      className={className}
      control={(aria) => (
        <select {...aria} className={INPUT_CLASS} {...props}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export type CheckboxOption = { value: string; label?: ReactNode; description: ReactNode };

/** Checkboxes in a fieldset, each with what it means; `selected` keeps the checked values in the order they were checked. */
export function CheckboxList({
  legend,
  name,
  options,
  selected,
  onChange,
  disabled,
  columns = 1,
}: {
  legend: string;
  name?: string;
  options: readonly CheckboxOption[];
  selected: string[];
  onChange: (values: string[]) => void;
  disabled?: boolean;
  columns?: 1 | 2;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className={`mt-1 grid gap-2 ${columns === 2 ? "sm:grid-cols-2" : ""}`}>
        {options.map((option) => (
          <label key={option.value} className="flex items-start gap-2 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700">
            <input
              type="checkbox"
              name={name}
              value={option.value}
              checked={selected.includes(option.value)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...selected, option.value] : selected.filter((v) => v !== option.value))}
              className="mt-0.5"
            />
            <span>
              <span className="font-medium">{option.label ?? option.value}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{option.description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
