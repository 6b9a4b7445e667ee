import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { logout } from "@/app/(auth)/actions";
import { getViewer, type Role } from "@/lib/auth/session";
import "./globals.css";

const t = {
  brand: "Freeline",
  tagline: "排队免单",
  login: "登录",
  register: "注册",
  logout: "退出登录",
  nav: "主导航",
  me: { href: "/me", label: "我的" },
  // Merchants and operators have customer accounts too, so they also get 我的.
  roleLinks: {
    customer: null,
    merchant: { href: "/merchant/queue", label: "商家" },
    operator: { href: "/operator/payouts", label: "运营" },
  } satisfies Record<Role, { href: string; label: string } | null>,
};

export const metadata: Metadata = {
  title: { default: "Freeline 排队免单", template: "%s" },
  description: "到店消费即排队，店铺奖池满额即免单；每笔订单还能获得可在全平台抵扣的绿色积分。",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
  themeColor: "#1c7f67",
};

function RoleLink({ role, className }: { role: Role; className: string }) {
  const l = t.roleLinks[role];
  return l ? (
    <Link href={l.href} className={className}>
      {l.label}
    </Link>
  ) : null;
}

async function TopBar() {
  const viewer = await getViewer();
  const link = "shrink-0 whitespace-nowrap rounded-lg px-2 py-1.5 text-sm font-medium text-brand-800 hover:bg-brand-50 sm:px-2.5";
  return (
    <header className="sticky top-0 z-10 border-b border-line bg-surface/95 backdrop-blur">
      <nav aria-label={t.nav} className="mx-auto flex h-14 max-w-5xl items-center gap-2 px-4">
        <Link href="/" className="mr-auto flex min-w-0 items-center gap-2 font-semibold text-brand-700">
          <span aria-hidden="true" className="inline-block size-6 shrink-0 rounded-lg bg-brand-600" />
          {/* On a phone the signed-in links need the room: the brand keeps its name, the tagline waits for wider screens. */}
          <span className="truncate">
            {t.brand}
            <span className="hidden sm:inline"> {t.tagline}</span>
          </span>
        </Link>
        {viewer ? (
          <>
            <span className="hidden max-w-[10rem] truncate text-sm text-muted sm:inline" title={viewer.displayName}>
              {viewer.displayName}
            </span>
            <RoleLink role={viewer.role} className={link} />
            <Link href={t.me.href} className={link}>
              {t.me.label}
            </Link>
            <form action={logout}>
              <button type="submit" className="shrink-0 whitespace-nowrap rounded-lg px-2 py-1.5 text-sm text-muted hover:bg-gray-100 sm:px-2.5">
                {t.logout}
              </button>
            </form>
          </>
        ) : (
          <>
            <Link href="/login" className={link}>
              {t.login}
            </Link>
            <Link href="/register" className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
              {t.register}
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="zh-CN">
      <body>
        <TopBar />
        <main className="mx-auto w-full max-w-5xl px-4 pt-4 pb-[calc(2rem+env(safe-area-inset-bottom))] sm:pt-6">{children}</main>
      </body>
    </html>
  );
}
