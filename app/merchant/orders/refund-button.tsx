"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import { Button, Dialog, FormSuccess } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import type { EntryCounts } from "@/lib/orders/store-orders";
import { formatFen } from "@/lib/money/format";
import { checkRefundAction, merchantRefundAction, type RefundCheck, type RefundDone } from "./actions";

export type RefundButtonProps = {
  orderId: number;
  orderNo: string;
  cashFen: number;
  pointsUsed: number;
  pointsEarned: number;
  /** The order's pool share: the pool returns it, or the store's settlement covers what it no longer holds. */
  poolFen: number;
  entries: EntryCounts;
  simulated: boolean;
  /** The list (phones) and the table (wider screens) each render one; test ids tell them apart. */
  place: "list" | "table";
};

/** The 退款 button of one paid order: a confirmation dialog, then the refund or the reason it was refused. */
export function RefundButton(props: RefundButtonProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [session, setSession] = useState(0);
  const [open, setOpen] = useState(false);
  const [refunded, setRefunded] = useState(false);
  const router = useRouter();
  const titleId = useId();
  const t = useTranslations("merchant.refund");

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        aria-haspopup="dialog"
        data-testid={`refund-${props.place}-${props.orderNo}`}
        onClick={() => {
          setSession((s) => s + 1);
          setOpen(true);
          dialogRef.current?.showModal();
        }}
      >
        {t("open")}
      </Button>
      <Dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        onClose={() => {
          setOpen(false);
          if (refunded) router.refresh();
        }}
        className="text-left"
      >
        {open ? (
          <RefundDialogBody key={session} {...props} titleId={titleId} onRefunded={() => setRefunded(true)} close={() => dialogRef.current?.close()} />
        ) : null}
      </Dialog>
    </>
  );
}

function RefundDialogBody({
  titleId,
  onRefunded,
  close,
  ...o
}: RefundButtonProps & { titleId: string; onRefunded: () => void; close: () => void }) {
  const [state, action, pending] = useActionState<ActionState<RefundDone>, FormData>(async (prev, formData) => {
    const r = await merchantRefundAction(prev, formData);
    if (r?.ok) onRefunded();
    return r;
  }, null);
  // Eligibility first: the dialog asks the server what a refund would do now, or why it cannot.
  const [check, setCheck] = useState<ActionState<RefundCheck>>(null);
  const [checking, startChecking] = useTransition();
  useEffect(() => {
    startChecking(async () => {
      const fd = new FormData();
      fd.set("orderId", String(o.orderId));
      setCheck(await checkRefundAction(null, fd));
    });
  }, [o.orderId]);
  const reasonId = useId();
  const t = useTranslations("merchant.refund");
  const preview = check?.ok ? check : null;

  return (
    <div className="space-y-4 whitespace-normal">
      <h2 id={titleId} className="text-lg font-semibold">
        {t("title", { orderNo: o.orderNo })}
      </h2>
      {state?.ok ? (
        <>
          <FormSuccess data-testid="refund-result">
            {t("ok", {
              orderNo: state.orderNo,
              amount: formatFen(state.refundedFen),
              entries: state.cancelledEntries,
              points: state.pointsFromLocked + state.pointsFromAvailable,
              returned: state.pointsReturned,
            })}
          </FormSuccess>
          {state.shortfallFen > 0 ? (
            <p className="text-sm" data-testid="refund-shortfall">
              {t("shortfall", { amount: formatFen(state.shortfallFen) })}
            </p>
          ) : null}
          <div className="flex justify-end">
            <Button onClick={close} autoFocus>
              {t("done")}
            </Button>
          </div>
        </>
      ) : check === null || checking ? (
        <p role="status" className="text-sm text-muted" data-testid="refund-checking">
          {t("checking")}
        </p>
      ) : !preview ? (
        <>
          <div role="alert" className="space-y-1 rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="refund-refused">
            <p className="font-medium">{t("cannot")}</p>
            <p>{check && !check.ok ? check.error : null}</p>
          </div>
          <p className="text-sm text-muted">{t("rule")}</p>
          <div className="flex justify-end">
            <Button variant="secondary" onClick={close} autoFocus data-testid="refund-close">
              {t("close")}
            </Button>
          </div>
        </>
      ) : (
        <form action={action} className="space-y-4">
          <input type="hidden" name="orderId" value={o.orderId} />
          <div className="text-sm" data-testid="refund-effect">
            <p>{t("will")}</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              <li>{t(preview.simulated ? "cashSimulated" : "cash", { amount: formatFen(preview.cashFen) })}</li>
              <li>{preview.entries > 0 ? t("entriesCancel", { count: preview.entries }) : t("entriesNone")}</li>
              {preview.pointsEarned > 0 ? <li>{t("earned", { points: preview.pointsEarned, amount: formatFen(preview.pointsEarned) })}</li> : null}
              {preview.pointsUsed > 0 ? <li>{t("used", { points: preview.pointsUsed, amount: formatFen(preview.pointsUsed) })}</li> : null}
              {preview.poolFen > 0 ? <li>{t("poolShare", { amount: formatFen(preview.poolFen) })}</li> : null}
              {preview.shortfallFen > 0 ? <li data-testid="refund-shortfall-preview">{t("shortfallPreview", { amount: formatFen(preview.shortfallFen) })}</li> : null}
            </ul>
          </div>
          <div className="space-y-1.5">
            <label htmlFor={reasonId} className="block text-sm font-medium">
              {t("reason")}
            </label>
            <textarea
              id={reasonId}
              name="reason"
              maxLength={200}
              rows={2}
              defaultValue={state?.values?.reason ?? ""}
              className="block w-full rounded-xl border border-line bg-surface px-3 py-2 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200"
            />
          </div>
          {state && !state.ok ? (
            <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="refund-error">
              {state.fieldErrors?.reason ?? state.error}
            </p>
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={close} autoFocus>
              {t("cancel")}
            </Button>
            <Button type="submit" variant="danger" pending={pending} pendingText={t("refunding")} data-testid="confirm-refund">
              {t("confirm")}
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
