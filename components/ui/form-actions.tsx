import type { ComponentProps, ReactNode } from "react";
import { Button } from "./button";

/** A form's submit button (primary unless told): disabled while the form is being sent, and saying so meanwhile. */
export function SubmitButton({
  pending,
  pendingLabel,
  disabled,
  variant = "primary",
  children,
  ...props
}: Omit<ComponentProps<typeof Button>, "type"> & { pending: boolean; pendingLabel: string }) {
  return (
    <Button type="submit" variant={variant} disabled={pending || disabled} {...props}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

/** A dialog form's footer: Cancel, then the submit button (given as children). */
export function FormActions({ onCancel, cancelDisabled, children }: { onCancel: () => void; cancelDisabled?: boolean; children: ReactNode }) {
  return (
    <div className="flex justify-end gap-2">
      <Button onClick={onCancel} disabled={cancelDisabled}>
        Cancel
      </Button>
      {children}
    </div>
  );
}
