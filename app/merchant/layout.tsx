import Link from "next/link";
import type { ReactNode } from "react";
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
  const link = "shrink-0 rounded-lg px-3 py-1.5 text-sm font-medium text-brand-800 hover:bg-brand-50";
  return (
    <div className="space-y-4">
      <nav aria-label={t.nav} className="-mx-1 flex items-center gap-1 overflow-x-auto border-b border-line pb-2">
        <span className="mr-2 shrink-0 px-1 text-sm text-muted">
          {t.area} · <span className="font-medium text-ink">{merchant.name}</span>
        </span>
        {t.links.map((l) => (
          <Link key={l.href} href={l.href} className={link}>
            {l.label}
          </Link>
        ))}
        <Link href={`/s/${merchant.slug}`} className={`${link} ml-auto text-muted`}>
          {t.storePage} ›
        </Link>
      </nav>
      {children}
    </div>
  );
}
