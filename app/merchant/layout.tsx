import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AreaNav, areaNavLinkClass } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";

const LINKS = [
  { href: "/merchant", key: "overview" },
  { href: "/merchant/queue", key: "queue" },
  { href: "/merchant/orders", key: "orders" },
  { href: "/merchant/settlement", key: "settlement" },
  { href: "/merchant/settings", key: "settings" },
  { href: "/merchant/profile", key: "profile" },
  { href: "/merchant/api-keys", key: "apiKeys" },
  { href: "/merchant/poster", key: "poster" },
  { href: "/merchant/data", key: "storeData" },
] as const;

/** The merchant area: only the owner of an approved store gets past this. */
export default async function MerchantLayout({ children }: { children: ReactNode }) {
  const [{ merchant }, t] = await Promise.all([requireMerchant(), getTranslations("merchant.nav")]);
  return (
    <div className="space-y-4">
      <AreaNav
        label={t("label")}
        area={
          <>
            {t("area")} · <span className="font-medium text-ink">{merchant.name}</span>
          </>
        }
        links={LINKS.map((l) => ({ href: l.href, label: t(l.key) }))}
        end={
          <Link href={`/s/${merchant.slug}`} className={`${areaNavLinkClass} ml-auto text-muted`}>
            {t("storePage")} ›
          </Link>
        }
      />
      {children}
    </div>
  );
}
