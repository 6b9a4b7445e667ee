import Link from "next/link";
import { useTranslations } from "next-intl";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { homePathFor, safeNextPath } from "@/lib/auth/next-path";
import { getViewer } from "@/lib/auth/session";
import { FormSuccess } from "@/app/_components";

/**
 * The `next` path an auth page carries on. A viewer who is already signed in never sees the form:
 * they go straight to `next`, or to their home.
 */
export async function authPageNext(searchParams: Promise<Record<string, string | string[] | undefined>>): Promise<string | null> {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null);
  const viewer = await getViewer();
  if (viewer) redirect(next ?? homePathFor(viewer.role));
  return next;
}

/**
 * The frame both auth pages share: a centred card with a title, and under it a link to the other
 * page (`other.path`) that keeps `next`.
 */
export function AuthCard({
  title,
  subtitle,
  next,
  other,
  notice,
  children,
}: {
  title: string;
  subtitle?: string;
  next: string | null;
  /** Why the visitor is here, e.g. after a password change signed them out. */
  notice?: string | null;
  other: { prompt: string; label: string; path: string };
  children: ReactNode;
}) {
  const t = useTranslations("auth");
  const otherHref = next ? `${other.path}?next=${encodeURIComponent(next)}` : other.path;
  return (
    <div className="mx-auto w-full max-w-sm py-6 sm:py-12">
      <div className="rounded-2xl bg-surface p-5 shadow-sm ring-1 ring-line sm:p-6">
        <h1 className="text-xl font-semibold text-ink">{title}</h1>
        {subtitle ? <p className="mt-1 text-sm text-muted">{subtitle}</p> : null}
        {notice ? (
          <FormSuccess className="mt-4" data-testid="auth-notice">
            {notice}
          </FormSuccess>
        ) : null}
        <div className="mt-5">{children}</div>
      </div>
      <p className="mt-4 text-center text-sm text-muted">
        {other.prompt}
        <Link href={otherHref} className="font-medium text-brand-700 underline underline-offset-2">
          {other.label}
        </Link>
      </p>
      <p className="mt-2 text-center text-xs text-muted">
        <Link href="/" className="inline-flex min-h-11 min-w-11 items-center underline underline-offset-2">
          {t("home")}
        </Link>
      </p>
    </div>
  );
}
