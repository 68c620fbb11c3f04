import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/operators/roles";
import { CheckboxList } from "../ui/field";

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, description: ROLE_DESCRIPTIONS[role] }));

/** The four roles as labelled checkboxes in a fieldset, with what each one allows. */
export function RoleCheckboxes({ legend, name, selected, onChange }: { legend: string; name: string; selected: string[]; onChange: (roles: string[]) => void }) {
  return <CheckboxList legend={legend} name={name} options={ROLE_OPTIONS} selected={selected} onChange={onChange} columns={2} />;
}
