import Link from "next/link";
import type { ReactNode } from "react";
import { requireViewer } from "@/lib/auth/session";

const t = {
  nav: "运营导航",
  area: "运营后台",
  links: [
    { href: "/operator", label: "概览" },
    { href: "/operator/payouts", label: "免单派发" },
    { href: "/operator/merchants", label: "商家" },
    { href: "/operator/draw", label: "幸运抽奖" },
    { href: "/operator/alliances", label: "异业联盟" },
    { href: "/operator/orders", label: "订单退款" },
    { href: "/operator/withdrawals", label: "提现审核" },
    { href: "/operator/points", label: "积分调整" },
    { href: "/operator/ledger", label: "账本" },
    { href: "/operator/audit", label: "审计日志" },
  ],
};

/** The operator console: operators only. Every page and action below checks again. */
export default async function OperatorLayout({ children }: { children: ReactNode }) {
  await requireViewer("operator");
  return (
    <div className="space-y-4">
      <nav aria-label={t.nav} className="-mx-1 flex items-center gap-1 overflow-x-auto border-b border-line pb-2">
        <span className="mr-2 shrink-0 px-1 text-sm text-muted">{t.area}</span>
        {t.links.map((l) => (
          <Link key={l.href} href={l.href} className="shrink-0 rounded-lg px-3 py-1.5 text-sm font-medium text-brand-800 hover:bg-brand-50">
            {l.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
