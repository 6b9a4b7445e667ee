"use client";

import { useTranslations } from "next-intl";
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import { Button, Dialog, FormError, FormSuccess } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { bpsPercent } from "../_ui/format";
import { leaveQueueAction, quoteExitAction, type ExitQuoteView, type LeaveOutcome } from "./actions";

type QuoteState = ActionState<{ quote: ExitQuoteView }>;
type LeaveState = ActionState<LeaveOutcome>;

/** The entry being left, as the list showed it when its 退出排队 was pressed. */
export type Leaving = { id: number; queueName: string };

/**
 * The leave dialog of the live list (one for all entries): a modal (native <dialog>: focus stays
 * inside, Esc closes it) that fetches the exact compensation first, and only then offers to leave
 * for exactly that figure. It lives beside the list, not inside the entry's row, so a poll that
 * takes the entry off the list while the dialog shows the result does not take the dialog away.
 * `onClosed(left)` says whether the entry is no longer waiting (left now or before).
 */
export function LeaveDialog({ entry, onClosed }: { entry: Leaving | null; onClosed: (left: boolean) => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const left = useRef(false);
  const titleId = useId();
  const markLeft = () => {
    left.current = true;
  };

  useEffect(() => {
    if (entry && !dialogRef.current?.open) {
      left.current = false;
      dialogRef.current?.showModal();
    }
  }, [entry]);

  return (
    <Dialog
      ref={dialogRef}
      onClose={() => onClosed(left.current)}
      aria-labelledby={titleId}
      data-testid={entry ? `leave-dialog-${entry.id}` : "leave-dialog"}
    >
      {entry ? (
        <LeaveDialogBody
          key={entry.id}
          entryId={entry.id}
          queueName={entry.queueName}
          titleId={titleId}
          onLeft={markLeft}
          close={() => dialogRef.current?.close()}
        />
      ) : null}
    </Dialog>
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
          <FormSuccess data-testid="leave-result">
            {leaveState.outcome === "left"
              ? leaveState.points > 0
                ? t("left", { points: leaveState.points, amount: formatFen(leaveState.points) })
                : t("leftNothing")
              : t("alreadyLeft")}
          </FormSuccess>
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
                    amount: formatFen(quote.points),
                    strong: (chunks) => (
                      <strong className="text-2xl tabular-nums" data-testid="exit-points">
                        {chunks}
                      </strong>
                    ),
                  })}
                </p>
                <p className="text-muted">{t("rule", { target: formatFen(quote.targetFen), rate: bpsPercent(quote.exitCompBps) })}</p>
                {quote.capped ? (
                  <p className="text-amber-900">{t("capped", { full: quote.fullPoints, fullAmount: formatFen(quote.fullPoints), pool: formatFen(quote.poolFen) })}</p>
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
