import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuthCard, authPageNext } from "../auth-card";
import { RegisterForm } from "./register-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.register");
  return { title: t("metaTitle") };
}

export default async function RegisterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [next, t] = await Promise.all([authPageNext(searchParams), getTranslations("auth.register")]);
  return (
    <AuthCard
      title={t("title")}
      subtitle={t("subtitle")}
      next={next}
      other={{ prompt: t("otherPrompt"), label: t("otherLabel"), path: "/login" }}
    >
      <RegisterForm next={next} />
    </AuthCard>
  );
}
