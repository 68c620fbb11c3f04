"use client";

import { useId, useState, type InputHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { MACHINE_PERMISSION_DESCRIPTIONS, MACHINE_PERMISSIONS } from "@/lib/machines/wire";
import { parseTags, TAG_PATTERN } from "./format";

export const INPUT_CLASS =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-[invalid=true]:border-red-500";

function describedBy(...ids: unknown[]): string | undefined {
  const list = ids.filter((v): v is string => typeof v === "string" && v !== "").join(" ");
  return list || undefined;
}

function FieldMessages({ id, hint, error }: { id: string; hint?: React.ReactNode; error?: string | null }) {
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

/** A labelled text input with an optional hint and an error shown (and announced) next to it. */
export function InputField({ label, hint, error, className = "", ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: React.ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)} className={INPUT_CLASS} {...props} />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  className = "",
  inputClassName = "",
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: React.ReactNode; error?: string | null; inputClassName?: string }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)} className={`${INPUT_CLASS} ${inputClassName}`} {...props} />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

/** Tags typed as text (commas or spaces separate them), previewed as chips, checked as you type. */
export function TagsField({ name, error, defaultValue = "" }: { name: string; error?: string | null; defaultValue?: string }) {
  const [text, setText] = useState(defaultValue);
  const tags = parseTags(text);
  const invalid = tags.filter((t) => !TAG_PATTERN.test(t));
  const id = useId();
  const shownError = error ?? (invalid.length > 0 ? `Not a valid tag: ${invalid.join(", ")}. Use letters, digits and . _ : / = - (starting with a letter or digit).` : null);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        Tags
      </label>
      <input
        id={id}
        name={name}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, shownError && `${id}-error`)}
        className={INPUT_CLASS}
        placeholder="payments, batch"
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        Separate tags with commas or spaces.
      </p>
      {tags.length > 0 ? (
        <ul aria-label="Tags to apply" className="mt-1 flex flex-wrap gap-1">
          {tags.map((tag) => (
            <li key={tag} className={`rounded px-1.5 py-0.5 font-mono text-xs ${TAG_PATTERN.test(tag) ? "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200" : "bg-red-50 text-red-800 line-through dark:bg-red-950 dark:text-red-200"}`}>
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
      {shownError ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-300">
          {shownError}
        </p>
      ) : null}
    </div>
  );
}

/** Which API error codes belong next to which field. */
export type ProfileErrors = Partial<Record<"name" | "tags" | "publicKey" | "form", string>>;

export function profileErrors(error: unknown): ProfileErrors {
  if (!error) return {};
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === "name_invalid") return { name: message };
  if (code === "tags_invalid") return { tags: message };
  if (code === "public_key_invalid" || code === "key_already_enrolled") return { publicKey: message };
  return { form: message };
}

/** Name, description, tags, owner and environment: what the operator says about a new machine. */
export function ProfileFields({ errors, environments = [] }: { errors: ProfileErrors; environments?: string[] }) {
  const listId = useId();
  return (
    <div className="space-y-4">
      <InputField label="Name" name="name" required maxLength={100} autoComplete="off" data-autofocus="" error={errors.name} hint="The service, job or agent this machine runs, for example billing-worker-1." />
      <TextAreaField label="Description (optional)" name="description" rows={2} maxLength={1000} />
      <TagsField name="tags" error={errors.tags} />
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField label="Owner (optional)" name="owner" maxLength={100} autoComplete="off" hint="A team or person to contact." />
        <InputField label="Environment (optional)" name="environment" maxLength={100} autoComplete="off" list={environments.length > 0 ? listId : undefined} hint="For example production or staging." />
        {environments.length > 0 ? (
          <datalist id={listId}>
            {environments.map((env) => (
              <option key={env} value={env} />
            ))}
          </datalist>
        ) : null}
      </div>
    </div>
  );
}

export function readProfile(form: FormData) {
  const text = (key: string) => String(form.get(key) ?? "").trim();
  return {
    name: text("name"),
    description: text("description") || undefined,
    tags: parseTags(String(form.get("tags") ?? "")),
    owner: text("owner") || undefined,
    environment: text("environment") || undefined,
  };
}

/** The machine permissions on PTERI's own API, with what each allows. */
export function PermissionCheckboxes({ legend, selected, onChange, disabled }: { legend: string; selected: string[]; onChange: (permissions: string[]) => void; disabled?: boolean }) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-1 grid gap-2">
        {MACHINE_PERMISSIONS.map((permission) => (
          <label key={permission} className="flex items-start gap-2 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700">
            <input
              type="checkbox"
              value={permission}
              checked={selected.includes(permission)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...selected, permission] : selected.filter((p) => p !== permission))}
              className="mt-0.5"
            />
            <span>
              <span className="font-mono text-xs font-medium">{permission}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{MACHINE_PERMISSION_DESCRIPTIONS[permission]}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
