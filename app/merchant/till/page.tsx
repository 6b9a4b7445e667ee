import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { requireStore } from "@/lib/auth/session";
import { TillForm } from "./till-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.till");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The till: the owner or a cashier records an order paid at the counter. */
export default async function TillPage() {
  await requireStore({ next: "/merchant/till" });
  const t = await getTranslations("merchant.till");
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card title={t("formTitle")}>
        <TillForm firstKey={randomUUID()} />
      </Card>
    </div>
  );
}
