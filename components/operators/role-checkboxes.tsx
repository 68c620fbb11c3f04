import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/operators/roles";

/** The four roles as labelled checkboxes in a fieldset, with what each one allows. */
export function RoleCheckboxes({ legend, name, selected, onChange }: { legend: string; name: string; selected: string[]; onChange: (roles: string[]) => void }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-1 grid gap-2 sm:grid-cols-2">
        {ROLES.map((role) => (
          <label key={role} className="flex items-start gap-2 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700">
            <input
              type="checkbox"
              name={name}
              value={role}
              checked={selected.includes(role)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...selected, role] : selected.filter((r) => r !== role))}
              className="mt-0.5"
            />
            <span>
              <span className="font-medium">{role}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{ROLE_DESCRIPTIONS[role]}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
