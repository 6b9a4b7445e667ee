import Link from "next/link";
import { ButtonLink, Card, EmptyState } from "@/app/_components";
import { getViewer } from "@/lib/auth/session";
import { listApprovedStores } from "@/lib/merchants/list";

const t = {
  title: "排队免单 · 绿色积分",
  lead1:
    "排队免单：在参与的门店每付一笔订单就进入该店的免单队列，门店拿出每笔订单的一部分让利注入奖池，奖池够付队首时，队首订单全额返还到钱包。",
  lead2: "绿色积分：每笔订单还能获得绿色积分，逐日释放后可在平台任意门店按 1 积分 = 1 分钱抵扣。",
  disclaimer: "能否免单、何时免单取决于门店之后的订单，平台不承诺免单或免单时间。",
  rules: "查看规则",
  start: "注册开始",
  storesTitle: "参与门店",
  emptyTitle: "暂时还没有参与的门店",
  emptyBody: "门店通过审核后会显示在这里。",
  apply: "我是商家：申请入驻",
};

export default async function HomePage() {
  const [stores, viewer] = await Promise.all([listApprovedStores(), getViewer()]);
  return (
    <div className="space-y-6">
      <section className="rounded-3xl bg-gradient-to-br from-accent to-accent-deep px-5 py-8 text-white sm:px-8 sm:py-10">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t.title}</h1>
        <p className="mt-3 max-w-2xl text-sm leading-relaxed text-white sm:text-base">{t.lead1}</p>
        <p className="mt-2 max-w-2xl text-sm leading-relaxed text-white sm:text-base">{t.lead2}</p>
        <p className="mt-4 text-xs text-white">{t.disclaimer}</p>
        <div className="mt-5 flex flex-wrap gap-3">
          {viewer ? null : (
            <ButtonLink href="/register" variant="secondary">
              {t.start}
            </ButtonLink>
          )}
          <Link href="/rules" className="inline-flex h-11 items-center px-2 text-sm text-white underline underline-offset-4">
            {t.rules}
          </Link>
        </div>
      </section>

      {/* ───── Store list: approved merchants from listApprovedStores(). Cards may later show the
           pool gauge / queue length; keep the link target /s/[slug] (the QR code opens it). ───── */}
      <Card title={t.storesTitle}>
        {stores.length === 0 ? (
          <EmptyState title={t.emptyTitle} description={t.emptyBody} />
        ) : (
          <ul className="divide-y divide-line">
            {stores.map((s) => (
              <li key={s.slug}>
                <Link href={`/s/${s.slug}`} className="flex items-center justify-between gap-3 py-3 hover:text-brand-700">
                  <span className="font-medium">{s.name}</span>
                  <span aria-hidden="true" className="text-muted">
                    ›
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {/* ───── end of store list ───── */}
      {viewer?.role === "operator" ? null : (
        <p className="text-center text-sm">
          <Link href="/apply" className="text-brand-700 underline">
            {t.apply}
          </Link>
        </p>
      )}
    </div>
  );
}
