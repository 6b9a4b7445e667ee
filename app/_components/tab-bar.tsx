"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "./cn";
import { UnreadBadge } from "./notification-bell";

// 订单 is My orders, and stays current on an order's receipt and on its payment page.
const TABS = [
  { href: "/", key: "home", icon: "⌂", current: (p: string) => p === "/" || p.startsWith("/s/") || p === "/rules" },
  { href: "/orders", key: "orders", icon: "☰", current: (p: string) => p === "/orders" || p.startsWith("/orders/") || p.startsWith("/pay/") },
  { href: "/me#queue", key: "queue", icon: "⇅", current: () => false },
  { href: "/me", key: "me", icon: "☺", current: (p: string) => p === "/me" || p.startsWith("/me/") },
] as const;

/**
 * The customer's bottom tab bar on phones (首页, 订单, 排队, 我的), within thumb reach, each tab at
 * least 44 px tall. Not in the merchant and operator consoles, which have their own navigation;
 * hidden from `sm` up, where the top bar has room for the same links.
 */
export function TabBar({ unread = 0 }: { unread?: number }) {
  const t = useTranslations("common.tabBar");
  const pathname = usePathname();
  if (/^\/(merchant|operator)(\/|$)/.test(pathname)) return null;
  return (
    <nav
      aria-label={t("label")}
      className="fixed inset-x-0 bottom-0 z-10 border-t border-line bg-surface/95 pb-[env(safe-area-inset-bottom)] backdrop-blur sm:hidden print:hidden"
      data-testid="tab-bar"
    >
      <ul className="mx-auto grid max-w-5xl grid-cols-4">
        {TABS.map((tab) => {
          const current = tab.current(pathname);
          return (
            <li key={tab.key}>
              <Link
                href={tab.href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "flex min-h-14 flex-col items-center justify-center gap-0.5 text-xs font-medium",
                  current ? "text-brand-700" : "text-muted hover:text-ink",
                )}
              >
                <span aria-hidden="true" className="relative text-lg leading-none">
                  {tab.icon}
                  {/* Unread notifications, on 我的 (their list is under /me). */}
                  {tab.key === "me" ? <UnreadBadge count={unread} className="absolute -top-1.5 left-3" /> : null}
                </span>
                {t(tab.key)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
