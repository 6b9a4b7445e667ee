"use client";

import { useActionState, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { adjustPointsAction } from "./actions";

const t = {
  points: "调整积分",
  pointsPlaceholder: "增加填 500，扣减填 -200",
  pointsHint: (available: number) => `1 分 = ¥0.01。当前可用 ${available} 分；增加的积分按平台政策到期。`,
  add: (n: number) => `将增加 ${n} 分，由平台承担 ${formatFen(n)}`,
  take: (n: number, available: number) =>
    n > available ? `可用积分只有 ${available} 分，不能扣减 ${n} 分` : `将扣减 ${n} 分（优先扣最早的积分），退回平台 ${formatFen(n)}`,
  reason: "原因（顾客可见）",
  reasonHint: "3–200 字，会显示在顾客的积分明细和审计日志中。",
  submit: "提交调整",
  pending: "正在提交…",
  done: (n: number, after: number) => `已${n > 0 ? "增加" : "扣减"} ${Math.abs(n)} 分，顾客现有可用积分 ${after} 分。`,
  duplicate: "这次调整已经提交过，没有重复执行。",
};

/** Adjusts one customer's available points. */
export function AdjustForm({ userId, available, requestKey }: { userId: number; available: number; requestKey: string }) {
  const [state, action, pending] = useActionState(adjustPointsAction, null);
  const failed = state && !state.ok ? state : null;
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  // Keep what was typed after a refusal; clear it after a success.
  const [lastState, setLastState] = useState(state);
  if (state !== lastState) {
    setLastState(state);
    setPoints(failed?.values?.points ?? "");
    setReason(failed?.values?.reason ?? "");
  }
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const pointsError = errorFor("points");
  const reasonError = errorFor("reason");
  const formError = failed && !pointsError && !reasonError ? failed.error : null;
  const m = /^([+-]?)(\d{1,7})$/.exec(points.trim());
  const n = m ? Number(m[2]) * (m[1] === "-" ? -1 : 1) : 0;
  const preview = n > 0 ? t.add(n) : n < 0 ? t.take(-n, available) : null;

  return (
    <form action={action} className="space-y-3" noValidate data-testid="adjust-form">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="requestKey" value={requestKey} />
      <Field
        name="points"
        label={t.points}
        inputMode="text"
        autoComplete="off"
        placeholder={t.pointsPlaceholder}
        value={points}
        onChange={(e) => setPoints(e.target.value)}
        hint={preview ? <span data-testid="adjust-preview">{preview}</span> : t.pointsHint(available)}
        error={pointsError}
        required
      />
      <Field
        name="reason"
        label={t.reason}
        autoComplete="off"
        maxLength={200}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        hint={t.reasonHint}
        error={reasonError}
        required
      />
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? (
        <p role="status" className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800" data-testid="adjust-done">
          {state.duplicate ? t.duplicate : t.done(state.points, state.availableAfter)}
        </p>
      ) : null}
      <Button type="submit" pending={pending} pendingText={t.pending}>
        {t.submit}
      </Button>
    </form>
  );
}
