import { getTranslations } from "next-intl/server";
import { StatusPage } from "@/app/_components";

export default async function NotFound() {
  const t = await getTranslations("common.status");
  return <StatusPage code={404} title={t("notFoundTitle")} body={t("notFoundBody")} home={t("home")} />;
}
