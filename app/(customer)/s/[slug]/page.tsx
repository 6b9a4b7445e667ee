import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, Money } from "@/app/_components";
import { MAX_ORDER_FEN } from "@/db/schema/orders";
import { getViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { loginPath } from "@/lib/auth/next-path";
import { queueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";
import { computeShares } from "@/lib/rules/shares";
import { bpsPercent } from "../../_ui/format";
import { RiskNotice } from "../../_ui/risk-notice";
import { SharedQueue } from "../../_ui/shared-queue";
import { storeProfile } from "./_profile/profile-data";
import { StoreProfileView } from "./_profile/store-profile";
import { SuspendedNotice } from "./_profile/suspended-notice";
import { LiveGauge } from "./live-gauge";
import { OrderForm } from "./order-form";
import { findAlliance, findStore, storeOr404 } from "./store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const [store, t] = await Promise.all([findStore((await params).slug), getTranslations("customer.shared")]);
  return { title: store ? t("titleSuffix", { title: store.merchant.name }) : "Freeline" };
}

export default async function StorePage({ params }: Props) {
  const { slug } = await params;
  const [store, viewer, t, ts] = await Promise.all([storeOr404(slug), getViewer(), getTranslations("customer.store"), getTranslations("customer.shared")]);
  const [gauge, alliance, balances, profile] = await Promise.all([
    queueGauge(store.queueId),
    findAlliance(store.queueId),
    viewer ? customerBalances(viewer.userId) : Promise.resolve(null),
    storeProfile(store.merchant),
  ]);
  const suspended = store.merchant.suspendedAt !== null;
  const r = store.rule;
  const example = computeShares(10_000, r);

  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-2xl font-semibold text-ink">{store.merchant.name}</h1>
        <p className="mt-1 text-sm text-muted">{ts("tagline")}</p>
        <SharedQueue queueId={store.queueId} merchantId={store.merchant.id} alliance={alliance} className="mt-2" />
      </header>

      {suspended ? <SuspendedNotice reason={store.merchant.suspendedReason} /> : null}
      <StoreProfileView slug={slug} name={store.merchant.name} profile={profile} />

      <Card title={t("pool.title")}>
        <LiveGauge initial={gauge} cachedPage={!viewer} />
      </Card>

      <Card title={t("order.title")}>
        {suspended ? (
          <p className="text-sm text-muted">{t("order.suspended")}</p>
        ) : viewer ? (
          <OrderForm
            slug={slug}
            idempotencyKey={randomUUID()}
            availablePoints={balances?.pointsAvailable ?? 0}
            rule={{
              rebateBps: r.rebateBps,
              platformFeeBps: r.platformFeeBps,
              pointsBps: r.pointsBps,
              freeBps: r.freeBps,
              unitCapFen: r.unitCapFen,
              minOrderFen: r.minOrderFen,
            }}
            maxFen={MAX_ORDER_FEN}
          />
        ) : (
          <p className="text-sm">
            {t.rich("order.signIn", {
              login: (chunks) => (
                <Link className="font-medium text-brand-700 underline" href={loginPath(`/s/${slug}`)}>
                  {chunks}
                </Link>
              ),
              register: (chunks) => (
                <Link className="font-medium text-brand-700 underline" href={`/register?next=${encodeURIComponent(`/s/${slug}`)}`}>
                  {chunks}
                </Link>
              ),
            })}
          </p>
        )}
      </Card>

      <Card title={t("summary.title")}>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink">
          <li>
            {t("summary.rebate", { rebate: bpsPercent(r.rebateBps), fee: bpsPercent(r.platformFeeBps), points: bpsPercent(r.pointsBps) })}
          </li>
          <li>
            {t.rich("summary.queue", { min: () => <Money fen={r.minOrderFen} />, free: bpsPercent(r.freeBps) })}
            {r.unitCapFen > 0 ? t.rich("summary.split", { cap: () => <Money fen={r.unitCapFen} /> }) : null}
            {t("summary.end")}
          </li>
          <li>{t("summary.payout")}</li>
          <li>
            {t.rich("summary.example", {
              rebate: () => <Money fen={example.rebateFen} />,
              points: example.pointsEarned,
              pointsAmount: formatFen(example.pointsEarned),
              pool: () => <Money fen={example.poolFen} />,
            })}
          </li>
        </ul>
        <RiskNotice className="mt-3" />
        <Link className="mt-1 inline-flex min-h-11 min-w-11 items-center text-sm font-medium text-brand-700 underline" href={`/s/${slug}/rules`}>{t("summary.fullRules")}</Link>
      </Card>
    </div>
  );
}
