"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button, type ButtonProps } from "./button";
import { Dialog } from "./dialog";

type Props = {
  /** The button's label on the page. */
  children: ReactNode;
  /** The dialog's question ("派发这 3 笔？"). */
  title: ReactNode;
  /** What confirming does, in figures: shown before anything happens. */
  effect: ReactNode;
  /** The confirming button's label: says what it does ("派发 ¥300.00"). */
  confirmLabel: ReactNode;
  /** Sent with the form as the submitter's name and value (for a form with several submit buttons). */
  name?: string;
  value?: string;
  /** When true the button submits at once, without asking: the input is incomplete, and the form answers with what to fix. */
  skip?: boolean;
  "data-testid"?: string;
} & Pick<ButtonProps, "variant" | "size" | "pending" | "pendingText" | "disabled" | "className">;

/**
 * A submit button that asks first. It sits inside the form it submits; pressing it opens a modal
 * (native <dialog>: focus stays inside, Esc or 取消 closes it and nothing happens) that states the
 * exact effect, and only its confirming button submits the form. The confirming button gets the
 * focus, as every dialog in the app does, so a keyboard user presses Enter twice, reading in between.
 */
export function ConfirmSubmit({ children, title, effect, confirmLabel, name, value, skip, variant = "primary", size, pending, pendingText, disabled, className, "data-testid": testId }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const confirmed = useRef(false);
  const skipRef = useRef(skip);
  useEffect(() => {
    skipRef.current = skip;
  }, [skip]);

  // Enter in a field submits a form through its first submit button, which is the dialog's: that
  // would skip the question. Such a submission opens the dialog instead (preventing it stops the
  // form's action too); a click on the confirming button, or on another button of the form
  // (reject), goes through.
  useEffect(() => {
    const form = triggerRef.current?.form;
    if (!form) return;
    const onSubmit = (e: SubmitEvent) => {
      if (e.submitter !== confirmRef.current && e.submitter !== null) return;
      if (confirmed.current || skipRef.current) {
        confirmed.current = false;
        return;
      }
      e.preventDefault();
      ref.current?.showModal();
      confirmRef.current?.focus();
    };
    form.addEventListener("submit", onSubmit);
    return () => form.removeEventListener("submit", onSubmit);
  }, []);
  const titleId = useId();
  const t = useTranslations("common.confirm");
  return (
    <>
      <Button
        type={skip ? "submit" : "button"}
        name={skip ? name : undefined}
        value={skip ? value : undefined}
        variant={variant}
        size={size}
        pending={pending}
        pendingText={pendingText}
        disabled={disabled}
        className={className}
        ref={triggerRef}
        aria-haspopup={skip ? undefined : "dialog"}
        data-testid={testId}
        onClick={
          skip
            ? undefined
            : () => {
                ref.current?.showModal();
                confirmRef.current?.focus();
              }
        }
      >
        {children}
      </Button>
      <Dialog ref={ref} aria-labelledby={titleId} className="text-left whitespace-normal" data-testid={testId ? `${testId}-dialog` : undefined}>
        <div className="space-y-4">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="text-sm">{effect}</div>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => ref.current?.close()}>
              {t("cancel")}
            </Button>
            <Button
              type="submit"
              name={name}
              value={value}
              variant={variant}
              ref={confirmRef}
              data-testid={testId ? `${testId}-confirm` : undefined}
              // Closed as the click submits the enclosing form; the button stays in it, so it is still the submitter.
              // Enter in a field also "clicks" this button (the form's default button) while the
              // dialog is shut: that click confirms nothing, and the submit handler asks instead.
              onClick={() => {
                if (!ref.current?.open) return;
                confirmed.current = true;
                ref.current.close();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
