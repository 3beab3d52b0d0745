"use client";
// The shell of the app's modal dialogs (the two 402 dialogs) and their footer (ModalActions): a
// native <dialog> opened on mount with showModal(), which makes the rest of the page inert (focus
// stays inside) and closes on Escape. A click on the backdrop closes it too; the element marked
// `data-autofocus` takes focus first (else the first focusable one, often a close button); focus
// returns where it was once it closes. The title labels it and the summary describes it (their ids,
// from the caller).
import { useEffect, useId, useRef, type ReactNode } from "react";

export function ModalDialog({
  titleId,
  summaryId,
  testId,
  onClose,
  children,
}: {
  titleId: string;
  summaryId: string;
  testId: string;
  onClose(): void;
  /** The content; `close` closes the dialog (then onClose runs). */
  children(close: () => void): ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const previousFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return; // (a second run of the effect in development: already open)
    previousFocus.current = document.activeElement as HTMLElement | null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, []);

  // By its id, not the ref: the content is rendered with it, and a ref is not read during render.
  const id = useId();
  const close = () => (document.getElementById(id) as HTMLDialogElement | null)?.close();
  return (
    <dialog
      id={id}
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={summaryId}
      onClose={() => {
        previousFocus.current?.focus?.();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) close(); // a click on the backdrop
      }}
      data-testid={testId}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50"
    >
      {children(close)}
    </dialog>
  );
}

/**
 * A dialog's footer: the dismiss button ("Not now"), then the primary action — side by side from
 * the small breakpoint, the primary one on top on a phone.
 */
export function ModalActions({
  dismissLabel,
  onDismiss,
  className = "mt-5",
  children,
}: {
  dismissLabel: string;
  onDismiss(): void;
  className?: string;
  /** The primary action (a link or a submit button). */
  children: ReactNode;
}) {
  return (
    <div className={`${className} flex flex-col-reverse gap-2 sm:flex-row sm:justify-end`}>
      <button
        type="button"
        onClick={onDismiss}
        className="rounded-md border border-zinc-300 px-4 py-2 text-sm font-medium whitespace-nowrap text-zinc-800 hover:bg-zinc-50"
      >
        {dismissLabel}
      </button>
      {children}
    </div>
  );
}
