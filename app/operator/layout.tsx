import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AreaNav } from "@/app/_components";
import { AreaMessages } from "@/app/_components/area-messages";
import { requireViewer } from "@/lib/auth/session";

const LINKS = [
  { href: "/operator", key: "overview" },
  { href: "/operator/payouts", key: "payouts" },
  { href: "/operator/merchants", key: "merchants" },
  { href: "/operator/draw", key: "draw" },
  { href: "/operator/alliances", key: "alliances" },
  { href: "/operator/orders", key: "orders" },
  { href: "/operator/jobs", key: "jobs" },
  { href: "/operator/withdrawals", key: "withdrawals" },
  { href: "/operator/points", key: "points" },
  { href: "/operator/ledger", key: "ledger" },
  { href: "/operator/reconciliation", key: "reconciliation" },
  { href: "/operator/audit", key: "audit" },
  { href: "/operator/data-requests", key: "dataRequests" },
] as const;

/** The operator console: operators only. Every page and action below checks again. */
export default async function OperatorLayout({ children }: { children: ReactNode }) {
  await requireViewer("operator");
  const t = await getTranslations("operator.nav");
  return (
    <AreaMessages area="operator">
      <div className="space-y-4">
        <AreaNav label={t("label")} area={t("area")} links={LINKS.map((l) => ({ href: l.href, label: t(l.key) }))} />
        {children}
      </div>
    </AreaMessages>
  );
}
