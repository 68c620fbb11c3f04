"use client";

import { useId, useState } from "react";
import { MACHINE_PERMISSION_DESCRIPTIONS, MACHINE_PERMISSIONS } from "@/lib/machines/wire";
import { CheckboxList, describedBy, INPUT_CLASS, InputField, TextAreaField } from "../ui/field";
import { parseTags, TAG_PATTERN } from "./format";

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

const PERMISSION_OPTIONS = MACHINE_PERMISSIONS.map((permission) => ({
  value: permission,
  label: <span className="font-mono text-xs">{permission}</span>,
  description: MACHINE_PERMISSION_DESCRIPTIONS[permission],
}));

/** The machine permissions on PTERI's own API, with what each allows. */
export function PermissionCheckboxes({ legend, selected, onChange, disabled }: { legend: string; selected: string[]; onChange: (permissions: string[]) => void; disabled?: boolean }) {
  return <CheckboxList legend={legend} options={PERMISSION_OPTIONS} selected={selected} onChange={onChange} disabled={disabled} />;
}
