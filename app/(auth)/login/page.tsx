import type { Metadata } from "next";
import { AuthCard, authPageNext } from "../auth-card";
import { LoginForm } from "./login-form";

const t = {
  title: "登录",
  subtitle: "登录后查看你的排队、钱包和绿色积分。",
  other: { prompt: "还没有账号？", label: "注册", path: "/register" },
};

export const metadata: Metadata = { title: "登录 · Freeline" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = await authPageNext(searchParams);
  return (
    <AuthCard title={t.title} subtitle={t.subtitle} next={next} other={t.other}>
      <LoginForm next={next} />
    </AuthCard>
  );
}
