import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ButtonLink, Card, EmptyState } from "@/app/_components";
import { getViewer } from "@/lib/auth/session";
import { listApprovedStores } from "@/lib/merchants/list";

export default async function HomePage() {
  const [stores, viewer, t] = await Promise.all([listApprovedStores(), getViewer(), getTranslations("customer.home")]);
  return (
    <div className="space-y-6">
      <section className="rounded-3xl bg-gradient-to-br from-accent to-accent-deep px-5 py-8 text-white sm:px-8 sm:py-10">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t("title")}</h1>
        <p className="mt-3 max-w-2xl text-sm leading-relaxed text-white sm:text-base">{t("lead1")}</p>
        <p className="mt-2 max-w-2xl text-sm leading-relaxed text-white sm:text-base">{t("lead2")}</p>
        <p className="mt-4 text-xs text-white">{t("disclaimer")}</p>
        <div className="mt-5 flex flex-wrap gap-3">
          {viewer ? null : (
            <ButtonLink href="/register" variant="secondary">
              {t("start")}
            </ButtonLink>
          )}
          <Link href="/rules" className="inline-flex h-11 items-center px-2 text-sm text-white underline underline-offset-4">
            {t("rules")}
          </Link>
        </div>
      </section>

      {/* ───── Store list: approved merchants from listApprovedStores(). Cards may later show the
           pool gauge / queue length; keep the link target /s/[slug] (the QR code opens it). ───── */}
      <Card title={t("storesTitle")}>
        {stores.length === 0 ? (
          <EmptyState title={t("emptyTitle")} description={t("emptyBody")} />
        ) : (
          <ul className="divide-y divide-line">
            {stores.map((s) => (
              <li key={s.slug}>
                <Link href={`/s/${s.slug}`} className="flex items-center justify-between gap-3 py-3 hover:text-brand-700">
                  <span className="font-medium">{s.name}</span>
                  <span aria-hidden="true" className="text-muted">
                    ›
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {/* ───── end of store list ───── */}
      {viewer?.role === "operator" ? null : (
        <p className="text-center text-sm">
          <Link href="/apply" className="inline-flex min-h-11 min-w-11 items-center text-brand-700 underline">
            {t("apply")}
          </Link>
        </p>
      )}
    </div>
  );
}
