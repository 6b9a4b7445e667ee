import type { Metadata } from "next";
import { AuthCard, authPageNext } from "../auth-card";
import { RegisterForm } from "./register-form";

const t = {
  title: "注册",
  subtitle: "免费注册，不收任何会员费。下单即可参与排队免单、获得绿色积分。",
  other: { prompt: "已有账号？", label: "登录", path: "/login" },
};

export const metadata: Metadata = { title: "注册 · Freeline" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = await authPageNext(searchParams);
  return (
    <AuthCard title={t.title} subtitle={t.subtitle} next={next} other={t.other}>
      <RegisterForm next={next} />
    </AuthCard>
  );
}
