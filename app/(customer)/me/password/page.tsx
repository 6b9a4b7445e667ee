import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { PasswordForm } from "./password-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("customer.password"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

export default async function PasswordPage() {
  await requireViewer(undefined, { next: "/me/password" });
  const t = await getTranslations("customer.password");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        back={{ href: "/me", label: t("back") }}
      />
      <Card>
        <PasswordForm />
      </Card>
    </div>
  );
}
