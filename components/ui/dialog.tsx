"use client";

import { useEffect, useId, useRef } from "react";

const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog> element (showModal: focus is trapped, the page behind
 * is inert, Escape asks to close). Controlled: the parent owns `open`; Escape and the close
 * button call `onRequestClose`, and the parent decides (for example to warn first). Its
 * content is mounted only while open, so every opening starts fresh. On opening, focus goes to
 * the element marked `data-autofocus`, else to the first control of the body; on closing, the
 * browser returns it to where it was.
 */
export function Dialog({
  open,
  title,
  description,
  onRequestClose,
  onDismissed,
  children,
  size = "md",
}: {
  open: boolean;
  title: string;
  description?: React.ReactNode;
  onRequestClose: () => void;
  onDismissed?: () => void;
  children: React.ReactNode;
  size?: "md" | "lg";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const requestClose = useRef(onRequestClose);
  const dismissed = useRef(onDismissed ?? onRequestClose);
  const isOpen = useRef(open);
  useEffect(() => {
    requestClose.current = onRequestClose;
    dismissed.current = onDismissed ?? onRequestClose;
    isOpen.current = open;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      const target = dialog.querySelector<HTMLElement>("[data-autofocus]") ?? body.current?.querySelector<HTMLElement>(FOCUSABLE);
      target?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: the parent decides whether (and how) to close.
        event.preventDefault();
        requestClose.current();
      }}
      onClose={() => {
        // Closed by the browser while the parent still has it open.
        if (isOpen.current) dismissed.current();
      }}
      className={`m-auto max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] overflow-y-auto rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 ${size === "lg" ? "max-w-2xl" : "max-w-lg"}`}
    >
      {open ? (
        <>
          <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-6 py-4 dark:border-zinc-800">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <div id={descriptionId} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                  {description}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              aria-label="Close"
              onClick={() => requestClose.current()}
              className="-mr-2 rounded-md px-2 py-1 text-lg leading-none text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
          <div ref={body} className="px-6 py-5">
            {children}
          </div>
        </>
      ) : null}
    </dialog>
  );
}
