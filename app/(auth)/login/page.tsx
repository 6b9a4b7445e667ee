import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { homePathFor, safeNextPath } from "@/lib/auth/next-path";
import { getViewer } from "@/lib/auth/session";
import { AuthCard } from "../auth-card";
import { LoginForm } from "./login-form";

const t = {
  title: "登录",
  subtitle: "登录后查看你的排队、钱包和绿色积分。",
  noAccount: "还没有账号？",
  register: "注册",
};

export const metadata: Metadata = { title: "登录 · Freeline" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null);
  const viewer = await getViewer();
  if (viewer) redirect(next ?? homePathFor(viewer.role));

  const registerHref = next ? `/register?next=${encodeURIComponent(next)}` : "/register";
  return (
    <AuthCard
      title={t.title}
      subtitle={t.subtitle}
      footer={
        <>
          {t.noAccount}
          <Link href={registerHref} className="font-medium text-brand-700 underline underline-offset-2">
            {t.register}
          </Link>
        </>
      }
    >
      <LoginForm next={next} />
    </AuthCard>
  );
}
