import { getTranslations } from "next-intl/server";
import { photoPath, type StoreProfile } from "@/lib/merchants/profile";

/**
 * The store's public profile (cover photo, category, address, hours, phone), from its merchant
 * row and photo version: read with the store, so it caches with it.
 */
export async function StoreProfileView({ slug, name, profile }: { slug: string; name: string; profile: StoreProfile }) {
  const [t, tc] = await Promise.all([getTranslations("customer.store.profile"), getTranslations("customer.categories")]);
  const rows: [string, React.ReactNode][] = [];
  if (profile.category) rows.push([t("category"), tc(profile.category)]);
  if (profile.address) rows.push([t("address"), profile.address]);
  if (profile.hours) rows.push([t("hours"), profile.hours]);
  if (profile.phone) {
    rows.push([
      t("phone"),
      <a key="phone" className="inline-flex min-h-11 items-center text-brand-700 underline" href={`tel:${profile.phone.replace(/[^0-9+]/g, "")}`}>
        {profile.phone}
      </a>,
    ]);
  }
  if (!profile.photoVersion && rows.length === 0) return null;
  return (
    <section aria-label={t("label")} className="space-y-3" data-testid="store-profile">
      {profile.photoVersion ? (
        // eslint-disable-next-line @next/next/no-img-element -- served resized by our own route, cached by version
        <img
          src={photoPath(slug, profile.photoVersion)}
          alt={t("photoAlt", { name })}
          className="aspect-[3/2] w-full rounded-2xl object-cover"
          data-testid="store-photo"
        />
      ) : null}
      {rows.length > 0 ? (
        <dl className="grid grid-cols-[5rem_1fr] items-baseline gap-x-3 gap-y-1 text-sm">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-muted">{label}</dt>
              <dd className="text-ink">{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}
