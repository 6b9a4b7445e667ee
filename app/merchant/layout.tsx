import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AreaNav, areaNavLinkClass } from "@/app/_components";
import { AreaMessages } from "@/app/_components/area-messages";
import { requireStore } from "@/lib/auth/session";
import { storeLive } from "@/lib/merchants/live";
import { LiveConsole } from "./live-console";

/** The console's pages; `cashier` marks the few a cashier sees (each page checks again on its own). */
const LINKS = [
  { href: "/merchant", key: "overview" },
  { href: "/merchant/queue", key: "queue", cashier: true },
  { href: "/merchant/orders", key: "orders", cashier: true },
  { href: "/merchant/till", key: "till", cashier: true },
  { href: "/merchant/settlement", key: "settlement" },
  { href: "/merchant/settings", key: "settings" },
  { href: "/merchant/profile", key: "profile" },
  { href: "/merchant/staff", key: "staff" },
  { href: "/merchant/api-keys", key: "apiKeys" },
  { href: "/merchant/poster", key: "poster" },
  { href: "/merchant/data", key: "storeData" },
] as const;

/** The merchant area: the owner of an approved store, or one of its cashiers, gets past this. */
export default async function MerchantLayout({ children }: { children: ReactNode }) {
  const [{ merchant, storeRole }, t] = await Promise.all([requireStore(), getTranslations("merchant.nav")]);
  const live = await storeLive(merchant.id, merchant.queueId!);
  const links = LINKS.filter((l) => storeRole === "owner" || ("cashier" in l && l.cashier));
  return (
    <AreaMessages area="merchant">
      <div className="space-y-4">
        <AreaNav
          label={t("label")}
          area={
            <>
              {t(storeRole === "owner" ? "area" : "cashierArea")} · <span className="font-medium text-ink">{merchant.name}</span>
            </>
          }
          links={links.map((l) => ({ href: l.href, label: t(l.key) }))}
          end={
            <Link href={`/s/${merchant.slug}`} className={`${areaNavLinkClass} ml-auto text-muted`}>
              {t("storePage")} ›
            </Link>
          }
        />
        <LiveConsole initial={live} isOwner={storeRole === "owner"} />
        {children}
      </div>
    </AreaMessages>
  );
}
