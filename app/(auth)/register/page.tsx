import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { homePathFor, safeNextPath } from "@/lib/auth/next-path";
import { getViewer } from "@/lib/auth/session";
import { AuthCard } from "../auth-card";
import { RegisterForm } from "./register-form";

const t = {
  title: "注册",
  subtitle: "免费注册，不收任何会员费。下单即可参与排队免单、获得绿色积分。",
  haveAccount: "已有账号？",
  login: "登录",
};

export const metadata: Metadata = { title: "注册 · Freeline" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null);
  const viewer = await getViewer();
  if (viewer) redirect(next ?? homePathFor(viewer.role));

  const loginHref = next ? `/login?next=${encodeURIComponent(next)}` : "/login";
  return (
    <AuthCard
      title={t.title}
      subtitle={t.subtitle}
      footer={
        <>
          {t.haveAccount}
          <Link href={loginHref} className="font-medium text-brand-700 underline underline-offset-2">
            {t.login}
          </Link>
        </>
      }
    >
      <RegisterForm next={next} />
    </AuthCard>
  );
}
