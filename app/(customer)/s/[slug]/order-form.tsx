"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect, useId, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { parseYuanWithin } from "@/lib/money/parse-within";
import { orderPreview, pointsForAmount, type PreviewRule } from "@/lib/rules/preview";
import { createOrderAction } from "../../actions";
import { useLeaveFor } from "../../_ui/pay-steps";
import { PayHere } from "./pay-here";

// The idempotency keys that placed an order in this tab. Back after paying brings the store page
// back from the router's cache with the key its order used: ordering there again must place a new
// order, not replay the paid one (which the server would answer with that order's result).
const PLACED_KEYS = "freeline.placedOrderKeys";

function placedKeys(): string[] {
  try {
    const keys: unknown = JSON.parse(window.sessionStorage.getItem(PLACED_KEYS) ?? "[]");
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return []; // storage off (a private window's quota, a policy): the server's key stands
  }
}

function rememberPlaced(key: string): void {
  try {
    window.sessionStorage.setItem(PLACED_KEYS, JSON.stringify([...placedKeys().filter((k) => k !== key), key].slice(-20)));
  } catch {
    // as above
  }
}

/** The server's key, or a new one when it already placed an order here (a page from the router's cache). */
function unusedKey(serverKey: string): string {
  if (typeof window === "undefined" || !placedKeys().includes(serverKey)) return serverKey;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function OrderForm({
  slug,
  idempotencyKey,
  availablePoints,
  rule,
  maxFen,
}: {
  slug: string;
  idempotencyKey: string;
  availablePoints: number;
  /** The store's current rule: the preview computes with the same functions as the checkout. */
  rule: PreviewRule;
  maxFen: number;
}) {
  const t = useTranslations("customer.store.form");
  const [state, action, pending] = useActionState(createOrderAction, null);
  const router = useRouter();
  const placed = state?.ok ? state : null;
  // Read once, at mount: on a page load the server's key is new, so hydration sees the same value.
  const [key] = useState(() => unusedKey(idempotencyKey));
  useEffect(() => {
    if (placed) rememberPlaced(key);
  }, [placed, key]);
  useLeaveFor(placed?.step ?? null, placed?.orderNo ?? null, router.push);
  const [amount, setAmount] = useState(state && !state.ok ? (state.values?.amount ?? "") : "");
  const [usePoints, setUsePoints] = useState(state && !state.ok ? state.values?.usePoints === "on" : false);
  const errorFor = (name: string) =>
    state && !state.ok ? (state.fieldErrors?.[name] ?? (state.field === name ? state.error : null)) : null;
  const amountError = errorFor("amount");
  const pointsError = errorFor("points") ?? errorFor("usePoints");
  const formError = state && !state.ok && !amountError && !pointsError ? state.error : null;

  const parsed = parseYuanWithin(amount, maxFen);
  const amountFen = parsed.ok ? parsed.fen : null;
  const points = amountFen !== null && usePoints ? pointsForAmount(amountFen, availablePoints) : 0;
  const preview = amountFen !== null ? orderPreview(amountFen, points, rule) : null;
  const switchId = useId();

  // The pay step drawn in place: the simulated confirm, or a QR code to scan.
  if (placed?.due && "simulated" in placed.step) return <PayHere orderNo={placed.orderNo} due={placed.due} />;
  if (placed?.due && "qr" in placed.step) return <PayHere orderNo={placed.orderNo} due={placed.due} qr={placed.step.qr} />;
  const next = !placed ? null : "next" in placed.step ? placed.step.next : "redirectTo" in placed.step ? placed.step.redirectTo : `/pay/${placed.orderNo}`;

  return (
    <form action={action} className="space-y-3" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="idempotencyKey" value={key} />
      <Field
        name="amount"
        label={t("amount")}
        inputMode="decimal"
        autoComplete="off"
        placeholder={t("amountPlaceholder")}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        error={amountError}
        required
      />
      {availablePoints > 0 ? (
        <div className="space-y-1">
          <label htmlFor={switchId} className="flex min-h-11 cursor-pointer items-center justify-between gap-3 rounded-xl border border-line px-3 py-2">
            <span className="text-sm">
              <span className="block font-medium">{t("usePoints")}</span>
              <span className="block text-xs text-muted">
                {t("pointsAvailable", { count: String(availablePoints), amount: formatFen(availablePoints) })}
              </span>
            </span>
            <input
              id={switchId}
              type="checkbox"
              role="switch"
              name="usePoints"
              checked={usePoints}
              onChange={(e) => setUsePoints(e.target.checked)}
              aria-invalid={pointsError ? true : undefined}
              className="switch shrink-0"
              data-testid="use-points"
            />
          </label>
          {pointsError ? (
            <p className="text-sm text-danger" role="alert">
              {pointsError}
            </p>
          ) : null}
        </div>
      ) : null}
      <OrderPreviewPanel preview={preview} />
      {formError ? <FormError>{formError}</FormError> : null}
      {next ? (
        // Shown while the next page loads, and the way on should the navigation fail. Not prefetched:
        // the router is already fetching that page, and a prefetch was one more request per order.
        <p className="text-sm">
          <Link className="font-medium text-brand-700 underline" href={next} prefetch={false}>
            {t("created")}
          </Link>
        </p>
      ) : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")} data-testid="order-submit">
        {preview ? t("submitAmount", { amount: formatFen(preview.cashFen) }) : t("submit")}
      </Button>
    </form>
  );
}

/** The order before it is placed: cash after points, points earned, queue units or what is missing. */
function OrderPreviewPanel({ preview: p }: { preview: ReturnType<typeof orderPreview> | null }) {
  const t = useTranslations("customer.store.form.preview");
  return (
    <div aria-live="polite" className="text-sm" data-testid="order-preview">
      {p ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-xl bg-canvas p-3">
          <dt className="text-muted">{t("cash")}</dt>
          <dd className="text-right font-semibold tabular-nums" data-testid="preview-cash">
            {formatFen(p.cashFen)}
          </dd>
          {p.pointsUsed > 0 ? (
            <>
              <dt className="text-muted">{t("pointsUsed")}</dt>
              <dd className="text-right tabular-nums" data-testid="preview-points-used">
                {t("pointsWorth", { count: String(p.pointsUsed), amount: formatFen(p.pointsUsed) })}
              </dd>
            </>
          ) : null}
          <dt className="text-muted">{t("earns")}</dt>
          <dd className="text-right tabular-nums" data-testid="preview-points">
            {t("pointsWorth", { count: String(p.pointsEarned), amount: formatFen(p.pointsEarned) })}
          </dd>
          <dt className="text-muted">{t("queue")}</dt>
          <dd className="text-right" data-testid="preview-queue">
            {p.units.length > 0
              ? t("units", { count: p.units.length, total: formatFen(p.units.reduce((a, b) => a + b, 0)) })
              : p.shortOfQueueFen > 0
                ? t("short", { amount: formatFen(p.shortOfQueueFen) })
                : t("none")}
          </dd>
        </dl>
      ) : null}
    </div>
  );
}
