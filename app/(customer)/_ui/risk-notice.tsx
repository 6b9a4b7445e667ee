/** SPEC compliance rule 3: never promise a free order or a date. Shown on the rules and every order result. */
export function RiskNotice({ className }: { className?: string }) {
  return (
    <p role="note" className={`rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ${className ?? ""}`}>
      能否免单取决于本店未来的订单，不保证免单，也不承诺任何时间。积分不可转让、不可提现。
    </p>
  );
}
