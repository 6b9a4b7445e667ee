import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { logout } from "@/app/(auth)/actions";
import { Button, Card, FormSuccess, PageHeader } from "@/app/_components";
import { localeOr } from "@/i18n/config";
import { db } from "@/db";
import { consentTime } from "@/lib/auth/consent";
import { safeNextPath } from "@/lib/auth/next-path";
import { PRIVACY_NOTICE_DATE, PRIVACY_NOTICE_VERSION } from "@/lib/auth/notice";
import { getViewer } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format/datetime";
import { AgreeForm } from "./agree-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("privacy.notice");
  return { title: t("metaTitle") };
}

const SECTIONS = [
  { title: "collectTitle", items: ["collect1", "collect2", "collect3", "collect4"] },
  { title: "keepTitle", items: ["keep1", "keep2"] },
  { title: "processorsTitle", items: ["processors1", "processors2", "processors3"] },
  { title: "rightsTitle", items: ["rights1", "rights2", "rights3"] },
] as const;

/**
 * The privacy notice, for everyone. A signed-in person who has not agreed to this version yet is
 * sent here first (lib/auth/session.ts, app/layout.tsx) and agrees at the bottom, or signs out.
 */
export default async function PrivacyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [viewer, t, raw, localeRaw] = await Promise.all([getViewer(), getTranslations("privacy.notice"), searchParams, getLocale()]);
  const locale = localeOr(localeRaw);
  const next = safeNextPath(typeof raw.next === "string" ? raw.next : undefined);
  const agreedAt = viewer && !viewer.consentDue ? await consentTime(db, viewer.userId) : null;
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <PageHeader title={t("title")} description={t("version", { version: PRIVACY_NOTICE_VERSION, date: PRIVACY_NOTICE_DATE })} />
      {raw.deleted === "1" && !viewer ? (
        <FormSuccess data-testid="account-deleted">{(await getTranslations("privacy.delete"))("done")}</FormSuccess>
      ) : null}
      {viewer?.consentDue ? (
        <p role="alert" className="rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="consent-due">
          {t("agreeBody")}
        </p>
      ) : null}
      <Card>
        <div className="space-y-5 text-sm leading-relaxed" data-testid="privacy-notice">
          <p>{t("intro")}</p>
          {SECTIONS.map((s) => (
            <section key={s.title} className="space-y-2">
              <h2 className="text-base font-semibold text-ink">{t(s.title)}</h2>
              <ul className="list-disc space-y-1 pl-5">
                {s.items.map((i) => (
                  <li key={i}>{t(i)}</li>
                ))}
              </ul>
            </section>
          ))}
          <section className="space-y-2">
            <h2 className="text-base font-semibold text-ink">{t("contactTitle")}</h2>
            <p>{t("contact", { email: env.PRIVACY_CONTACT_EMAIL })}</p>
          </section>
        </div>
      </Card>
      {viewer?.consentDue ? (
        <Card title={t("agreeTitle")}>
          <div className="space-y-3">
            <AgreeForm next={next} />
            <div className="flex flex-wrap items-center gap-3">
              <form action={logout}>
                <Button type="submit" variant="secondary">
                  {(await getTranslations("common.topBar"))("logout")}
                </Button>
              </form>
              <Link href="/me/delete" className="inline-flex min-h-11 items-center text-sm text-danger underline">
                {t("deleteLink")}
              </Link>
            </div>
          </div>
        </Card>
      ) : agreedAt ? (
        <p className="text-xs text-muted" data-testid="consent-given">
          {t("agreed", { at: formatDateTime(agreedAt, { locale }) })}
        </p>
      ) : null}
    </div>
  );
}
