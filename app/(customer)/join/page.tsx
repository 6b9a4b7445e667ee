import { getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { JoinForm } from "./join-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.join"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

/** Accept a cashier invitation (`/join?code=…`) with one's own account; signing in comes first. */
export default async function JoinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).code;
  const code = typeof raw === "string" ? raw.slice(0, 32) : "";
  await requireViewer(undefined, { next: code ? `/join?code=${encodeURIComponent(code)}` : "/join" });
  const t = await getTranslations("customer.join");
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <JoinForm code={code} />
      </Card>
    </div>
  );
}
