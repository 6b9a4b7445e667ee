import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/app/_components";
import { StoreDirectory, type DirectoryQuery } from "@/app/_stores/store-directory";
import { getViewer } from "@/lib/auth/session";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HomePage({ searchParams: raw }: Props) {
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const searchParams = raw.then((p): DirectoryQuery => ({ q: one(p.q), category: one(p.category), near: one(p.near) }));
  const [viewer, t] = await Promise.all([getViewer(), getTranslations("customer.home")]);
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

      {/* Store list: app/_stores/store-directory.tsx (search, categories, nearby). Links go to /s/[slug] (the QR code opens it). */}
      <StoreDirectory query={await searchParams} />
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
