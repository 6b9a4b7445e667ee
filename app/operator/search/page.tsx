import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Card, EmptyState, Money, PageHeader, SearchForm } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { searchAll } from "@/lib/operator/search";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.search");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

const querySchema = z.object({ q: z.string().trim().max(64).catch("") });

/** One box for the whole platform: an order number, a phone or user name, or a store. */
export default async function OperatorSearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireViewer("operator", { next: "/operator/search" });
  const raw = await searchParams;
  const { q } = querySchema.parse({ q: typeof raw.q === "string" ? raw.q : "" });
  const [hits, t, tm, locale] = await Promise.all([searchAll(q), getTranslations("operator.search"), getTranslations("operator.merchants"), getLocale()]);
  const none = hits.orders.length + hits.people.length + hits.stores.length === 0;
  const link = "font-medium text-brand-700 underline";
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <SearchForm
        action="/operator/search"
        label={t("label")}
        submit={t("submit")}
        input={{ id: "global-search", name: "q", maxLength: 64, defaultValue: q, placeholder: t("placeholder"), "data-testid": "global-search" }}
      />
      {q === "" ? null : none ? (
        <EmptyState title={t("none", { q })} description={t("noneBody")} />
      ) : (
        <div className="space-y-4" data-testid="search-results">
          {hits.stores.length > 0 ? (
            <Card title={t("stores")}>
              <ul className="divide-y divide-line text-sm">
                {hits.stores.map((s) => (
                  <li key={s.merchantId} className="flex flex-wrap justify-between gap-2 py-2">
                    <Link href={`/operator/merchants/${s.merchantId}`} className={link}>
                      {s.name}
                    </Link>
                    <span className="text-muted">
                      /s/{s.slug} · {tm(`status.${s.status as "pending"}`)}
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          {hits.people.length > 0 ? (
            <Card title={t("people")}>
              <ul className="divide-y divide-line text-sm">
                {hits.people.map((p) => (
                  <li key={p.userId} className="flex flex-wrap justify-between gap-2 py-2">
                    <Link href={`/operator/ledger?q=${encodeURIComponent(p.username)}`} className={link}>
                      {p.displayName}
                    </Link>
                    <span className="text-muted">@{p.username}</span>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          {hits.orders.length > 0 ? (
            <Card title={t("orders")}>
              <ul className="divide-y divide-line text-sm">
                {hits.orders.map((o) => (
                  <li key={o.orderNo} className="flex flex-wrap justify-between gap-2 py-2">
                    <Link href={`/operator/orders?no=${o.orderNo}`} className={`${link} font-mono`}>
                      {o.orderNo}
                    </Link>
                    <span className="text-muted">
                      <Link href={`/operator/merchants/${o.merchantId}`} className="underline">
                        {o.storeName}
                      </Link>{" "}
                      · <Money fen={o.cashFen} /> · {formatShortDateTime(o.createdAt, { locale })}
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      )}
    </div>
  );
}
