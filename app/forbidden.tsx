import { getTranslations } from "next-intl/server";
import { StatusPage } from "@/app/_components";

export default async function Forbidden() {
  const t = await getTranslations("common.status");
  return <StatusPage code={403} title={t("forbiddenTitle")} body={t("forbiddenBody")} home={t("home")} />;
}
