"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError, FormSuccess } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { WITHDRAWAL_RULES, withdrawalFee } from "@/lib/wallet/rules";
import { requestWithdrawalAction } from "./actions";

/** "12.34" → 1234 for the preview only; the server parses the amount itself (parseYuan). */
function previewFen(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen > 0 && fen <= WITHDRAWAL_RULES.maxFen ? fen : null;
}

/** Fen as a typed amount, "1234" → "12.34", in integer arithmetic. */
function yuanText(fen: number): string {
  const cents = fen % 100;
  return `${(fen - cents) / 100}.${String(cents).padStart(2, "0")}`;
}

export type PayoutChoice = { id: number; kind: "wechat" | "alipay"; masked: string };

/** The withdrawal form: the bound account to pay to, the amount in yuan and the password re-entered. */
export function WithdrawForm({ walletFen, disabledReason, accounts }: { walletFen: number; disabledReason: string | null; accounts: PayoutChoice[] }) {
  const t = useTranslations("customer.wallet.withdraw");
  const tk = useTranslations("customer.wallet.payout.kind");
  const [state, action, pending] = useActionState(requestWithdrawalAction, null);
  const failed = state && !state.ok ? state : null;
  const [amount, setAmount] = useState("");
  // After a refusal React resets the form; keep what was typed (never the password).
  const [lastState, setLastState] = useState(state);
  if (state !== lastState) {
    setLastState(state);
    setAmount(failed?.values?.amount ?? "");
  }
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const amountError = errorFor("amount");
  const passwordError = errorFor("password");
  const accountError = errorFor("payoutAccountId");
  const formError = failed && !amountError && !passwordError && !accountError ? failed.error : null;
  const fen = previewFen(amount);
  const preview = fen !== null ? t("receive", { fee: formatFen(withdrawalFee(fen)), net: formatFen(fen - withdrawalFee(fen)) }) : null;

  return (
    <form action={action} className="space-y-3" noValidate data-testid="withdraw-form">
      <fieldset className="space-y-1.5" disabled={disabledReason !== null}>
        <legend className="mb-1.5 block text-sm font-medium text-ink">{t("to")}</legend>
        {accounts.map((a, i) => (
          <label key={a.id} className="flex items-center gap-2 rounded-xl border border-line px-3 py-2 text-sm" data-testid={`withdraw-to-${a.kind}`}>
            <input type="radio" name="payoutAccountId" value={a.id} defaultChecked={i === 0} />
            <span className="font-medium">{tk(a.kind)}</span>
            <span className="font-mono text-muted">{a.masked}</span>
          </label>
        ))}
        {accountError ? (
          <p className="text-sm text-danger" role="alert">
            {accountError}
          </p>
        ) : null}
      </fieldset>
      <Field
        name="amount"
        label={t("amount")}
        inputMode="decimal"
        autoComplete="off"
        placeholder={t("amountPlaceholder", { min: String(WITHDRAWAL_RULES.minFen / 100) })}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        hint={
          <span className="flex flex-wrap items-center gap-x-2">
            <span>{t("available", { amount: formatFen(walletFen) })}</span>
            {walletFen >= WITHDRAWAL_RULES.minFen ? (
              <button
                type="button"
                className="font-medium text-brand-700 underline"
                onClick={() => setAmount(yuanText(Math.min(walletFen, WITHDRAWAL_RULES.maxFen)))}
              >
                {t("all")}
              </button>
            ) : null}
            {preview ? <span data-testid="withdraw-preview">· {preview}</span> : null}
          </span>
        }
        error={amountError}
        disabled={disabledReason !== null}
        required
      />
      <Field
        name="password"
        type="password"
        label={t("password")}
        autoComplete="current-password"
        hint={t("passwordHint")}
        error={passwordError}
        disabled={disabledReason !== null}
        required
      />
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? (
        <FormSuccess data-testid="withdraw-done">
          {t("done", { amount: formatFen(state.amountFen) })}
        </FormSuccess>
      ) : null}
      {disabledReason ? <p className="text-sm text-muted" data-testid="withdraw-disabled">{disabledReason}</p> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")} disabled={disabledReason !== null}>
        {t("submit")}
      </Button>
    </form>
  );
}
