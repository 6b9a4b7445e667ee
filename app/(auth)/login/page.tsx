import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuthCard, authPageNext } from "../auth-card";
import { LoginForm } from "./login-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.login");
  return { title: t("metaTitle") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [next, t, sp] = await Promise.all([authPageNext(searchParams), getTranslations("auth.login"), searchParams]);
  return (
    <AuthCard
      title={t("title")}
      subtitle={t("subtitle")}
      next={next}
      notice={sp.changed === "1" ? t("changed") : null}
      other={{ prompt: t("otherPrompt"), label: t("otherLabel"), path: "/register" }}
    >
      <LoginForm next={next} />
    </AuthCard>
  );
}
