"use client";

import { useRouter } from "next/navigation";
import { useActionState, useId, useRef, useState } from "react";
import { Button, Dialog, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import type { EntryCounts } from "@/lib/orders/store-orders";
import { formatFen } from "@/lib/money/format";
import { merchantRefundAction, type RefundDone } from "./actions";

const t = {
  open: "退款",
  title: (no: string) => `退款订单 ${no}？`,
  will: "退款将：",
  cash: (fen: string, simulated: boolean) => `退回现金 ${fen}${simulated ? "（模拟支付，不会真实退款）" : "，原路退回"}`,
  entries: (e: EntryCounts) => {
    const settled = e.paid + e.left + e.cancelled;
    if (settled > 0) return `本单已有 ${settled} 笔排队结束（免单或退出），按规则不能退款`;
    return e.waiting > 0 ? `取消本单的 ${e.waiting} 笔排队` : "本单没有排队";
  },
  earned: (n: number) => `收回本单获得的 ${n} 积分`,
  used: (n: number) => `退还顾客抵扣的 ${n} 积分`,
  rule: "只有本单的排队都还在排队中、且顾客还持有本单获得的积分时才能退款，否则会告诉你原因，什么都不会改变。",
  reason: "退款原因（选填，顾客会在积分明细里看到）",
  confirm: "确认退款",
  refunding: "正在退款…",
  cancel: "取消",
  done: "完成",
  ok: (r: RefundDone) =>
    `订单 ${r.orderNo} 已退款：退回 ${formatFen(r.refundedFen)}，取消 ${r.cancelledEntries} 笔排队，收回 ${r.pointsFromLocked + r.pointsFromAvailable} 积分` +
    (r.pointsReturned > 0 ? `，退还 ${r.pointsReturned} 抵扣积分。` : "。"),
};

export type RefundButtonProps = {
  orderId: number;
  orderNo: string;
  cashFen: number;
  pointsUsed: number;
  pointsEarned: number;
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
        {t.open}
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
  const reasonId = useId();

  return (
    <div className="space-y-4 whitespace-normal">
      <h2 id={titleId} className="text-lg font-semibold">
        {t.title(o.orderNo)}
      </h2>
      {state?.ok ? (
        <>
          <p role="status" className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800" data-testid="refund-result">
            {t.ok(state)}
          </p>
          <div className="flex justify-end">
            <Button onClick={close} autoFocus>
              {t.done}
            </Button>
          </div>
        </>
      ) : (
        <form action={action} className="space-y-4">
          <input type="hidden" name="orderId" value={o.orderId} />
          <div className="text-sm">
            <p>{t.will}</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              <li>{t.cash(formatFen(o.cashFen), o.simulated)}</li>
              <li>{t.entries(o.entries)}</li>
              {o.pointsEarned > 0 ? <li>{t.earned(o.pointsEarned)}</li> : null}
              {o.pointsUsed > 0 ? <li>{t.used(o.pointsUsed)}</li> : null}
            </ul>
            <p className="mt-2 text-muted">{t.rule}</p>
          </div>
          <div className="space-y-1.5">
            <label htmlFor={reasonId} className="block text-sm font-medium">
              {t.reason}
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
              {t.cancel}
            </Button>
            <Button type="submit" variant="danger" pending={pending} pendingText={t.refunding} data-testid="confirm-refund">
              {t.confirm}
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
