import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { Badge, Card, EmptyState, Input, buttonClass } from "@/app/_components";
import { listStores, photoPath, type StoreListing } from "@/lib/merchants/profile";
import { isStoreCategory, STORE_CATEGORIES, type StoreCategory } from "@/lib/merchants/profile-schema";
import { NearbyButton } from "./nearby-button";

export type DirectoryQuery = { q?: string; category?: string; near?: string };

/** "31.23040,121.47370" → coordinates, or null for anything else. */
export function parseNear(near: string | undefined): { lat: number; lng: number } | null {
  const m = /^(-?\d{1,2}(?:\.\d{1,7})?),(-?\d{1,3}(?:\.\d{1,7})?)$/.exec(near ?? "");
  if (!m) return null;
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

/**
 * The home page's store list: a search by name, category filters, the stores grouped by category,
 * and the nearest stores once the visitor shares a location (distance computed in SQL).
 */
export async function StoreDirectory({ query }: { query: DirectoryQuery }) {
  const q = (query.q ?? "").trim().slice(0, 40);
  const category: StoreCategory | undefined = isStoreCategory(query.category) ? query.category : undefined;
  const near = parseNear(query.near);
  const [stores, nearby, t, tc] = await Promise.all([
    listStores({ q: q || undefined, category }),
    near ? listStores({ q: q || undefined, category, near }) : Promise.resolve(null),
    getTranslations("customer.home"),
    getTranslations("customer.categories"),
  ]);
  const filtered = q !== "" || category !== undefined;
  const groups = new Map<string, StoreListing[]>();
  for (const s of stores) {
    const key = s.category ?? "uncategorised";
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const order = [...STORE_CATEGORIES, "uncategorised"].filter((c) => groups.has(c));
  const label = (c: string) => (isStoreCategory(c) ? tc(c) : t("uncategorised"));
  const chip = (active: boolean) =>
    `inline-flex min-h-11 min-w-11 items-center justify-center rounded-full border px-3 text-sm ${active ? "border-brand-600 bg-brand-50 text-brand-800" : "border-line text-ink"}`;
  const keep = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: q || undefined, near: query.near && near ? query.near : undefined, ...extra })) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `/?${s}` : "/";
  };

  return (
    <Card title={t("storesTitle")}>
      <div className="space-y-4">
        <form role="search" action="/" className="flex flex-wrap items-end gap-2">
          <div className="min-w-0 flex-1 space-y-1.5">
            <label htmlFor="store-search" className="block text-sm font-medium">
              {t("search")}
            </label>
            <Input id="store-search" name="q" type="search" defaultValue={q} maxLength={40} autoComplete="off" data-testid="store-search" />
          </div>
          {category ? <input type="hidden" name="category" value={category} /> : null}
          {near ? <input type="hidden" name="near" value={query.near} /> : null}
          <button type="submit" className={buttonClass("primary", "md")}>
            {t("searchSubmit")}
          </button>
        </form>
        <nav aria-label={t("categoriesLabel")}>
          <ul className="flex flex-wrap gap-2">
            <li>
              <Link href={keep({})} className={chip(!category)} aria-current={!category ? "page" : undefined}>
                {t("allCategories")}
              </Link>
            </li>
            {STORE_CATEGORIES.map((c) => (
              <li key={c}>
                <Link href={keep({ category: c })} className={chip(category === c)} aria-current={category === c ? "page" : undefined}>
                  {tc(c)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <Suspense>
          <NearbyButton />
        </Suspense>

        {nearby ? (
          <section aria-labelledby="nearby-title" data-testid="nearby">
            <h3 id="nearby-title" className="text-sm font-semibold text-ink">
              {t("nearby.title")}
            </h3>
            {nearby.length === 0 ? (
              <p className="py-2 text-sm text-muted">{t("nearby.none")}</p>
            ) : (
              <StoreList stores={nearby.slice(0, 10)} extra={(s) =>
                  s.distanceM === null
                    ? null
                    : s.distanceM < 1000
                      ? t("nearby.metres", { n: String(s.distanceM) })
                      : t("nearby.kilometres", { n: (s.distanceM / 1000).toFixed(1) })
                } />
            )}
          </section>
        ) : null}

        {stores.length === 0 ? (
          filtered ? (
            <EmptyState title={t("noMatchTitle")} description={t("noMatchBody")} />
          ) : (
            <EmptyState title={t("emptyTitle")} description={t("emptyBody")} />
          )
        ) : (
          order.map((c) => (
            <section key={c} aria-labelledby={`cat-${c}`} data-testid={`category-${c}`}>
              <h3 id={`cat-${c}`} className="text-sm font-semibold text-ink">
                {label(c)}
              </h3>
              <StoreList stores={groups.get(c)!} extra={() => null} />
            </section>
          ))
        )}
      </div>
    </Card>
  );
}

async function StoreList({ stores, extra }: { stores: StoreListing[]; extra: (s: StoreListing) => string | null }) {
  const t = await getTranslations("customer.home");
  return (
    <ul className="divide-y divide-line">
      {stores.map((s) => (
        <li key={s.slug}>
          <Link href={`/s/${s.slug}`} className="flex items-center gap-3 py-3 hover:text-brand-700">
            {s.photoVersion ? (
              // eslint-disable-next-line @next/next/no-img-element -- a small thumbnail of our own resized photo
              <img src={photoPath(s.slug, s.photoVersion)} alt="" className="h-12 w-16 shrink-0 rounded-lg object-cover" loading="lazy" />
            ) : null}
            <span className="min-w-0 flex-1">
              <span className="block font-medium">{s.name}</span>
              {s.address ? <span className="block truncate text-xs text-muted">{s.address}</span> : null}
            </span>
            {s.suspended ? <Badge tone="danger">{t("suspended")}</Badge> : null}
            {extra(s) ? <span className="shrink-0 text-sm text-muted">{extra(s)}</span> : null}
            <span aria-hidden="true" className="text-muted">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
