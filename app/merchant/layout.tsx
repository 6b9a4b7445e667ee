import Link from "next/link";
import type { ReactNode } from "react";
import { AreaNav, areaNavLinkClass } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";

const t = {
  nav: "商家导航",
  area: "商家后台",
  links: [
    { href: "/merchant", label: "概览" },
    { href: "/merchant/queue", label: "排队队列" },
    { href: "/merchant/orders", label: "订单与退款" },
    { href: "/merchant/settings", label: "规则设置" },
    { href: "/merchant/api-keys", label: "POS 接口" },
    { href: "/merchant/poster", label: "二维码海报" },
  ],
  storePage: "店铺页",
};

/** The merchant area: only the owner of an approved store gets past this. */
export default async function MerchantLayout({ children }: { children: ReactNode }) {
  const { merchant } = await requireMerchant();
  return (
    <div className="space-y-4">
      <AreaNav
        label={t.nav}
        area={
          <>
            {t.area} · <span className="font-medium text-ink">{merchant.name}</span>
          </>
        }
        links={t.links}
        end={
          <Link href={`/s/${merchant.slug}`} className={`${areaNavLinkClass} ml-auto text-muted`}>
            {t.storePage} ›
          </Link>
        }
      />
      {children}
    </div>
  );
}
