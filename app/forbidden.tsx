import { ButtonLink } from "@/app/_components";

const t = {
  title: "没有访问权限",
  body: "当前账号不能访问这个页面。如果你是商家或运营人员，请使用对应的账号登录。",
  home: "返回首页",
};

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-5xl font-semibold text-brand-600">403</p>
      <h1 className="mt-3 text-xl font-semibold">{t.title}</h1>
      <p className="mt-2 text-sm text-muted">{t.body}</p>
      <ButtonLink href="/" className="mt-6">
        {t.home}
      </ButtonLink>
    </div>
  );
}
