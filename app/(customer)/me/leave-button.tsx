"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import { Button, Dialog, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { bpsPercent } from "../_ui/format";
import { leaveQueueAction, quoteExitAction, type ExitQuoteView, type LeaveOutcome } from "./actions";

type QuoteState = ActionState<{ quote: ExitQuoteView }>;
type LeaveState = ActionState<LeaveOutcome>;

/**
 * The 退出排队 button of one waiting entry. It opens a modal dialog (native <dialog>: focus stays
 * inside, Esc closes it) that fetches the exact compensation first, and only then offers to leave
 * for exactly that figure.
 */
export function LeaveButton({ entryId, queueName }: { entryId: number; queueName: string }) {
  const t = useTranslations("customer.leave");
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [session, setSession] = useState(0);
  const [open, setOpen] = useState(false);
  const [changed, setChanged] = useState(false);
  const router = useRouter();
  const titleId = useId();

  function show() {
    setSession((s) => s + 1);
    setChanged(false);
    setOpen(true);
    dialogRef.current?.showModal();
  }

  function onClose() {
    setOpen(false);
    // The entry has moved from waiting to settled: show the page as it is now.
    if (changed) router.refresh();
  }

  return (
    <>
      <Button variant="secondary" size="sm" className="shrink-0 whitespace-nowrap" onClick={show} data-testid={`leave-${entryId}`} aria-haspopup="dialog">
        {t("open")}
      </Button>
      <Dialog
        ref={dialogRef}
        onClose={onClose}
        aria-labelledby={titleId}
        data-testid={`leave-dialog-${entryId}`}
      >
        {open ? (
          <LeaveDialogBody
            key={session}
            entryId={entryId}
            queueName={queueName}
            titleId={titleId}
            onLeft={() => setChanged(true)}
            close={() => dialogRef.current?.close()}
          />
        ) : null}
      </Dialog>
    </>
  );
}

function LeaveDialogBody({
  entryId,
  queueName,
  titleId,
  onLeft,
  close,
}: {
  entryId: number;
  queueName: string;
  titleId: string;
  onLeft: () => void;
  close: () => void;
}) {
  const t = useTranslations("customer.leave");
  const [quoteState, setQuoteState] = useState<QuoteState>(null);
  const [loading, startLoading] = useTransition();
  const [leaveState, leave, leaving] = useActionState<LeaveState, FormData>(leaveQueueAction, null);

  useEffect(() => {
    startLoading(async () => {
      const fd = new FormData();
      fd.set("entryId", String(entryId));
      setQuoteState(await quoteExitAction(null, fd));
    });
  }, [entryId]);

  const finished = leaveState?.ok && leaveState.outcome !== "changed";
  useEffect(() => {
    if (finished) onLeft();
  }, [finished, onLeft]);

  // A changed figure replaces the one shown before.
  const quote =
    leaveState?.ok && leaveState.outcome === "changed" ? leaveState.quote : quoteState?.ok ? quoteState.quote : null;

  return (
    <div className="space-y-4">
      <h2 id={titleId} className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="text-sm text-muted">{queueName}</p>

      {finished ? (
        <>
          <p role="status" className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800" data-testid="leave-result">
            {leaveState.outcome === "left"
              ? leaveState.points > 0
                ? t("left", { points: leaveState.points })
                : t("leftNothing")
              : t("alreadyLeft")}
          </p>
          <div className="flex justify-end">
            <Button onClick={close} autoFocus>
              {t("done")}
            </Button>
          </div>
        </>
      ) : (
        <>
          <div aria-live="polite" aria-busy={loading || undefined}>
            {quote === null && (loading || quoteState === null) ? (
              <p className="text-sm text-muted">{t("loading")}</p>
            ) : null}
            {quote ? (
              <div className="space-y-2 text-sm">
                {leaveState?.ok && leaveState.outcome === "changed" ? (
                  <p role="alert" className="rounded-xl bg-amber-50 px-3 py-2 text-amber-900">
                    {leaveState.message}
                  </p>
                ) : null}
                <p>
                  {t.rich("youGet", {
                    points: String(quote.points),
                    strong: (chunks) => (
                      <strong className="text-2xl tabular-nums" data-testid="exit-points">
                        {chunks}
                      </strong>
                    ),
                  })}
                </p>
                <p className="text-muted">{t("rule", { target: formatFen(quote.targetFen), rate: bpsPercent(quote.exitCompBps) })}</p>
                {quote.capped ? (
                  <p className="text-amber-900">{t("capped", { full: quote.fullPoints, pool: formatFen(quote.poolFen) })}</p>
                ) : (
                  <p className="text-muted">{t("cap")}</p>
                )}
                <p className="text-muted">{t("locked")}</p>
                <p className="font-medium">{t("final")}</p>
              </div>
            ) : null}
          </div>
          {quoteState && !quoteState.ok ? <FormError>{quoteState.error}</FormError> : null}
          {leaveState && !leaveState.ok ? <FormError>{leaveState.error}</FormError> : null}

          <form action={leave} className="flex flex-wrap justify-end gap-2">
            <input type="hidden" name="entryId" value={entryId} />
            {quote ? <input type="hidden" name="expectedPoints" value={quote.points} /> : null}
            <Button variant="secondary" onClick={close} autoFocus>
              {t("cancel")}
            </Button>
            <Button
              type="submit"
              variant="danger"
              disabled={quote === null}
              pending={leaving}
              pendingText={t("leaving")}
              data-testid="confirm-leave"
            >
              {t("confirm")}
            </Button>
          </form>
        </>
      )}
    </div>
  );
}
