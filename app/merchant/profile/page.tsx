import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";
import { photoPath, storePhotoVersion } from "@/lib/merchants/profile";
import { PhotoUpload } from "./photo-upload";
import { ProfileForm } from "./profile-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.profile");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The store's public profile and cover photo, as its page shows them. */
export default async function MerchantProfilePage() {
  const { merchant } = await requireMerchant({ next: "/merchant/profile" });
  const [version, t] = await Promise.all([storePhotoVersion(merchant.id), getTranslations("merchant.profile")]);
  const text = (v: string | number | null) => (v === null ? "" : String(v));
  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Link className="text-sm text-brand-700 underline" href={`/s/${merchant.slug}`}>
            {t("customerView")} ›
          </Link>
        }
      />
      <Card title={t("photoTitle")}>
        <PhotoUpload photoUrl={version ? photoPath(merchant.slug, version) : null} />
      </Card>
      <Card title={t("detailsTitle")}>
        <ProfileForm
          current={{
            address: text(merchant.address),
            storePhone: text(merchant.phone),
            hours: text(merchant.hours),
            category: text(merchant.category),
            latitude: text(merchant.latitude),
            longitude: text(merchant.longitude),
          }}
        />
      </Card>
    </div>
  );
}
