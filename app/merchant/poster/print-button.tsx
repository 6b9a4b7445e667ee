"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components";

export function PrintButton() {
  const t = useTranslations("merchant.poster");
  return (
    <Button type="button" variant="secondary" onClick={() => window.print()}>
      {t("print")}
    </Button>
  );
}
