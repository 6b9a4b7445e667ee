import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuthCard, authPageNext } from "../auth-card";
import { ForgotForm } from "./forgot-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.forgot");
  return { title: t("metaTitle") };
}

/** 忘记密码: a new password with a code sent by SMS to the account's phone number. */
export default async function ForgotPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [next, t] = await Promise.all([authPageNext(searchParams), getTranslations("auth.forgot")]);
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")} next={next} other={{ prompt: t("backPrompt"), label: t("back"), path: "/login" }}>
      <ForgotForm />
    </AuthCard>
  );
}
