import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { Card, Money } from "@/app/_components";
import { getViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { loginPath } from "@/lib/auth/next-path";
import { queueGauge } from "@/lib/merchants/store";
import { computeShares } from "@/lib/rules/shares";
import { bpsPercent } from "../../_ui/format";
import { RiskNotice } from "../../_ui/risk-notice";
import { SharedQueue } from "../../_ui/shared-queue";
import { LiveGauge } from "./live-gauge";
import { OrderForm } from "./order-form";
import { findAlliance, findStore, storeOr404 } from "./store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const store = await findStore((await params).slug);
  return { title: store ? `${store.merchant.name} · Freeline` : "Freeline" };
}

export default async function StorePage({ params }: Props) {
  const { slug } = await params;
  const [store, viewer] = await Promise.all([storeOr404(slug), getViewer()]);
  const [gauge, alliance, balances] = await Promise.all([
    queueGauge(store.queueId),
    findAlliance(store.queueId),
    viewer ? customerBalances(viewer.userId) : Promise.resolve(null),
  ]);
  const r = store.rule;
  const example = computeShares(10_000, r);

  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-2xl font-semibold text-ink">{store.merchant.name}</h1>
        <p className="mt-1 text-sm text-muted">排队免单 · 绿色积分</p>
        <SharedQueue queueId={store.queueId} merchantId={store.merchant.id} alliance={alliance} className="mt-2" />
      </header>

      <Card title="免单池">
        <LiveGauge initial={gauge} />
      </Card>

      <Card title="下单">
        {viewer ? (
          <OrderForm slug={slug} idempotencyKey={randomUUID()} availablePoints={balances?.pointsAvailable ?? 0} />
        ) : (
          <p className="text-sm">
            <Link className="font-medium text-brand-700 underline" href={loginPath(`/s/${slug}`)}>
              登录
            </Link>{" "}
            或{" "}
            <Link className="font-medium text-brand-700 underline" href={`/register?next=${encodeURIComponent(`/s/${slug}`)}`}>
              注册
            </Link>{" "}
            后即可下单。
          </p>
        )}
      </Card>

      <Card title="规则摘要">
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink">
          <li>
            每笔订单的 {bpsPercent(r.rebateBps)} 为商家让利：其中 {bpsPercent(r.platformFeeBps)} 为平台服务费，
            {bpsPercent(r.pointsBps)} 以绿色积分返给您，其余进入本店（或本店所在联盟）的免单池。
          </li>
          <li>
            满 <Money fen={r.minOrderFen} /> 的订单按实付金额的 {bpsPercent(r.freeBps)} 加入免单队列
            {r.unitCapFen > 0 ? (
              <>
                ，大单按每份不超过 <Money fen={r.unitCapFen} /> 拆分排队
              </>
            ) : null}
            。
          </li>
          <li>免单池够付队首时，队首的整笔金额退回您的钱包，严格按先后顺序。</li>
          <li>
            例：¥100.00 的订单，让利 <Money fen={example.rebateFen} />，积分 {example.pointsEarned}，进入免单池{" "}
            <Money fen={example.poolFen} />。每项按分向下取整，余数归商家。
          </li>
        </ul>
        <RiskNotice className="mt-3" />
        <Link className="mt-2 inline-block text-sm font-medium text-brand-700 underline" href={`/s/${slug}/rules`}>完整规则、示例与历史版本 ›</Link>
      </Card>
    </div>
  );
}
