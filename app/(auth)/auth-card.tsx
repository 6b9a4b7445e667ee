import Link from "next/link";
import type { ReactNode } from "react";

/** The frame both auth pages share: a centred card with a title and a link to the other page. */
export function AuthCard({ title, subtitle, footer, children }: { title: string; subtitle?: string; footer: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-sm py-6 sm:py-12">
      <div className="rounded-2xl bg-surface p-5 shadow-sm ring-1 ring-line sm:p-6">
        <h1 className="text-xl font-semibold text-ink">{title}</h1>
        {subtitle ? <p className="mt-1 text-sm text-muted">{subtitle}</p> : null}
        <div className="mt-5">{children}</div>
      </div>
      <p className="mt-4 text-center text-sm text-muted">{footer}</p>
      <p className="mt-2 text-center text-xs text-muted">
        <Link href="/" className="underline underline-offset-2">
          返回首页
        </Link>
      </p>
    </div>
  );
}
