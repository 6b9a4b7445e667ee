"use client";

import { useActionState, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { runDrawAction, type DrawOutcome } from "./actions";

const t = {
  reason: "备注（可选）",
  note: "备注",
  reasonHint: "例如活动名称。会写入抽奖记录和审计日志。",
  start: "抽奖…",
  confirmTitle: "确认抽奖",
  confirmBody: (n: number, name: string, pool: string) =>
    `将在「${name}」的 ${n} 笔候选条目中用密码学随机数等概率抽取 1 笔，从奖池（现有 ${pool}）全额免单到顾客钱包。此操作不可撤销。`,
  confirmNote: "候选以执行时的队列为准。",
  confirm: "确认抽奖",
  running: "抽奖中…",
  cancel: "取消",
  none: "这个队列现在没有可抽取的条目（目标金额需不超过奖池，且不超过单次上限）。",
  result: "抽奖结果",
  winner: (pos: number) => `队列位置 ${pos}`,
  fields: {
    store: "门店",
    customer: "顾客",
    orderNo: "订单号",
    amount: "免单金额",
    candidates: "候选条目",
    random: "随机值（十六进制）",
    index: "抽中序号",
  },
  verify: (hex: string, n: number, i: number) => `校验：0x${hex} mod ${n} = ${i}（候选按队列位置排序，从 0 开始）`,
};

type State = ActionState<DrawOutcome>;

/** Runs a draw on one queue, with a confirm step, and shows the result. */
export function DrawPanel({ queueId, queueName, candidateCount, poolFen }: { queueId: number; queueName: string; candidateCount: number; poolFen: number }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [state, formAction, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const next = await runDrawAction(prev, formData);
    setConfirming(false);
    if (next?.ok) setReason("");
    return next;
  }, null);

  return (
    <div className="space-y-4">
      {/* Only the confirm step is a form, so pressing Enter in the note cannot skip the confirmation. */}
      {confirming ? (
        <form action={formAction} className="space-y-3" data-testid="draw-form">
          <div className="space-y-3 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-200" role="alertdialog" aria-labelledby="draw-confirm-title" data-testid="draw-confirm">
            <input type="hidden" name="queueId" value={queueId} />
            <input type="hidden" name="reason" value={reason} />
            <p id="draw-confirm-title" className="font-semibold text-ink">{t.confirmTitle}</p>
            <p className="text-sm text-ink">{t.confirmBody(candidateCount, queueName, formatFen(poolFen))}</p>
            {reason ? <p className="text-sm text-muted">{t.note}：{reason}</p> : null}
            <p className="text-xs text-muted">{t.confirmNote}</p>
            <div className="flex gap-2">
              <Button type="submit" pending={pending} pendingText={t.running} data-testid="draw-confirm-button">
                {t.confirm}
              </Button>
              <Button type="button" variant="secondary" disabled={pending} onClick={() => setConfirming(false)}>
                {t.cancel}
              </Button>
            </div>
          </div>
        </form>
      ) : (
        <div className="space-y-3">
          <Field
            name="reason"
            label={t.reason}
            hint={t.reasonHint}
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={state && !state.ok ? state.fieldErrors?.reason : null}
          />
          {candidateCount === 0 ? <p className="text-sm text-muted">{t.none}</p> : null}
          <Button type="button" disabled={candidateCount === 0} onClick={() => setConfirming(true)} data-testid="draw-start">
            {t.start}
          </Button>
        </div>
      )}

      {!pending && state && !state.ok && !state.fieldErrors?.reason ? <FormError>{state.error}</FormError> : null}

      {!pending && state?.ok ? (
        <div role="status" className="rounded-xl bg-green-50 p-3 ring-1 ring-green-200" data-testid="draw-result">
          <p className="font-semibold text-green-900">
            {t.result}：{t.winner(state.position)} · {formatFen(state.amountFen)}
          </p>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted">{t.fields.store}</dt>
            <dd>{state.storeName}</dd>
            <dt className="text-muted">{t.fields.customer}</dt>
            <dd data-testid="draw-result-customer">{state.customerName}</dd>
            <dt className="text-muted">{t.fields.orderNo}</dt>
            <dd className="font-mono">{state.orderNo}</dd>
            <dt className="text-muted">{t.fields.amount}</dt>
            <dd className="tabular-nums" data-testid="draw-result-amount">{formatFen(state.amountFen)}</dd>
            <dt className="text-muted">{t.fields.candidates}</dt>
            <dd className="tabular-nums" data-testid="draw-result-candidates">{state.candidates}</dd>
            <dt className="text-muted">{t.fields.random}</dt>
            <dd className="font-mono" data-testid="draw-result-random">{state.randomHex}</dd>
            <dt className="text-muted">{t.fields.index}</dt>
            <dd className="tabular-nums">{state.chosenIndex}</dd>
          </dl>
          <p className="mt-2 text-xs text-muted">{t.verify(state.randomHex, state.candidates, state.chosenIndex)}</p>
        </div>
      ) : null}
    </div>
  );
}
