import type { ReactNode } from "react";
import { AreaNav } from "@/app/_components";
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
      <AreaNav label={t.nav} area={t.area} links={t.links} />
      {children}
    </div>
  );
}
