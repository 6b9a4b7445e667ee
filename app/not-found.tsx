import { ButtonLink } from "@/app/_components";

const t = { title: "页面不存在", body: "你要找的页面不存在，或已被移走。", home: "返回首页" };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-5xl font-semibold text-brand-600">404</p>
      <h1 className="mt-3 text-xl font-semibold">{t.title}</h1>
      <p className="mt-2 text-sm text-muted">{t.body}</p>
      <ButtonLink href="/" className="mt-6">
        {t.home}
      </ButtonLink>
    </div>
  );
}
