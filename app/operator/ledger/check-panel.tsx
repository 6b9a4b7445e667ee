"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { Badge, Button, Table } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatDateTime } from "@/lib/format/datetime";
import { runLedgerCheckAction, type LedgerCheck } from "./actions";
import { ledgerText } from "./labels";

/** The invariant check: a button that runs verifyBooks on the server and the result per invariant. */
export function CheckPanel() {
  const [state, run, pending] = useActionState<ActionState<LedgerCheck>, FormData>(runLedgerCheckAction, null);
  const result = state?.ok ? state : null;
  const total = result ? result.results.reduce((s, r) => s + r.violations, 0) : 0;
  const t = useTranslations("operator.ledger.checkPanel");
  const locale = useLocale();
  const words = ledgerText(locale);
  return (
    <div className="space-y-3">
      <form action={run}>
        <Button type="submit" size="sm" pending={pending} pendingText={t("running")} data-testid="run-ledger-check">
          {t("run")}
        </Button>
      </form>
      {state && !state.ok ? (
        <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger">
          {state.error}
        </p>
      ) : null}
      {result && !pending ? (
        <div className="space-y-2" data-testid="ledger-check-result">
          <p
            role="status"
            className={`rounded-xl px-3 py-2 text-sm ${total === 0 ? "bg-green-50 text-green-800" : "bg-red-50 text-danger"}`}
          >
            {total === 0 ? t("allClear") : t("found", { count: total })}{" "}
            <span className="text-muted">{t("checkedAt", { at: formatDateTime(new Date(result.checkedAt), { seconds: true, locale }), ms: result.ms })}</span>
          </p>
          <Table
            head={
              <>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t("cols.id")}</th>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t("cols.what")}</th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">{t("cols.count")}</th>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t("cols.examples")}</th>
              </>
            }
          >
            {result.results.map((r) => (
              <tr key={r.id} data-testid={`invariant-${r.id}`} className="align-top">
                <td className="px-2 py-1.5 font-mono">{r.id}</td>
                <td className="px-2 py-1.5">
                  {words.invariant(r.id, r.title)}
                  <span className="block text-xs text-muted">{r.title}</span>
                </td>
                <td className="px-2 py-1.5 text-right">
                  <Badge tone={r.violations === 0 ? "success" : "danger"}>
                    <span data-testid={`invariant-${r.id}-count`} className="tabular-nums">{r.violations}</span>
                  </Badge>
                </td>
                <td className="px-2 py-1.5">
                  {r.examples.length === 0 ? (
                    <span className="text-muted">{t("none")}</span>
                  ) : (
                    <ul className="space-y-0.5 font-mono text-xs break-all">
                      {r.examples.map((e, i) => (
                        <li key={i}>{e}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      ) : null}
    </div>
  );
}
