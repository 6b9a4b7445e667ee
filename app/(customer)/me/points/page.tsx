import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { shanghaiDay } from "@/lib/points/day";
import { upcomingExpiries, type UpcomingExpiry } from "@/lib/points/expire";
import { pointsHistory, releaseHistory } from "@/lib/points/history";
import { pointsPolicy } from "@/lib/points/policy";
import { dailyReleaseOf } from "@/lib/points/release";
import { bpsPercent } from "../../_ui/format";
import { TX_KIND_LABEL } from "../../_ui/labels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "我的积分 · Freeline" };

const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Shanghai" });

const signed = (n: number) => `${n > 0 ? "+" : ""}${n}`;

const t = {
  title: "我的积分",
  description: "绿色积分 1 分抵 ¥0.01，可在平台任意商家下单时抵扣。",
  back: "返回我的",
  available: "可用积分",
  availableNote: "下单时可直接抵扣",
  locked: "待释放积分",
  lockedNote: (bps: number) => `每天释放 ${bpsPercent(bps)} 到可用积分`,
  nextRelease: (n: number) => `按当前余额，下一次每日释放约 ${n} 分（北京时间每天 0 点后进行）。`,
  releasedToday: (n: number) => `今天已释放 ${n} 分，下一次在明天 0 点后（北京时间）。`,
  expiring: "有效期",
  expiringEmpty: "暂无可用积分",
  expiringEmptyBody: "待释放积分每天释放到可用积分后，会在这里显示各批积分的有效期。",
  validUntil: (day: string) => `有效期至 ${day}`,
  never: "长期有效",
  releases: "释放记录",
  releasesEmpty: "还没有释放记录",
  releasesEmptyBody: "下单获得的积分先计入待释放积分，之后每天按比例释放一次。",
  history: "积分明细",
  historyEmpty: "还没有积分记录",
  historyEmptyBody: "下单获得、每日释放、抵扣、过期和人工调整都会记在这里，并注明原因。",
  rules: "积分规则",
};

function rules(releaseBps: number, expiryDays: number): string[] {
  return [
    "下单后获得的积分先计入“待释放积分”。",
    `每天（北京时间 0 点后）释放待释放积分的 ${bpsPercent(releaseBps)}，向上取整，至少 1 分；不足时全部释放。`,
    expiryDays > 0
      ? `每批可用积分自释放起 ${expiryDays} 天后过期，过期后自动失效。抵扣时先使用最早释放的积分。`
      : "可用积分长期有效。抵扣时先使用最早释放的积分。",
    "积分价值固定：1 分 = ¥0.01，只能用于抵扣订单，不可转让，也不可提现。",
  ];
}

/** Lots grouped by the Asia/Shanghai date they expire on, soonest first; never-expiring last. */
function byExpiryDay(lots: UpcomingExpiry[]): { day: string | null; points: number; lots: number }[] {
  const groups = new Map<string | null, { day: string | null; points: number; lots: number }>();
  for (const lot of lots) {
    const day = lot.expiresAt ? shanghaiDay(lot.expiresAt) : null;
    const g = groups.get(day) ?? { day, points: 0, lots: 0 };
    g.points += lot.remaining;
    g.lots += 1;
    groups.set(day, g);
  }
  return [...groups.values()];
}

export default async function PointsPage() {
  const viewer = await requireViewer(undefined, { next: "/me/points" });
  const policy = pointsPolicy();
  const [balances, lots, releases, history] = await Promise.all([
    customerBalances(viewer.userId),
    upcomingExpiries(viewer.userId, 200),
    releaseHistory(viewer.userId, 30),
    pointsHistory(viewer.userId, 100),
  ]);
  const expiries = byExpiryDay(lots);
  const today = shanghaiDay();
  const releasedToday = releases[0]?.day === today ? releases[0].points : null;
  const next = dailyReleaseOf(balances.pointsLocked, policy.releaseBpsPerDay);

  return (
    <div className="space-y-4">
      <PageHeader
        title={t.title}
        description={t.description}
        actions={
          <Link href="/me" className="text-sm font-medium text-brand-700 underline">
            {t.back}
          </Link>
        }
      />

      <div className="grid grid-cols-2 gap-3">
        <Card title={t.available}>
          <p className="text-2xl font-semibold tabular-nums" data-testid="points-available">
            {balances.pointsAvailable}
          </p>
          <p className="mt-1 text-xs text-muted">{t.availableNote}</p>
        </Card>
        <Card title={t.locked}>
          <p className="text-2xl font-semibold tabular-nums" data-testid="points-locked">
            {balances.pointsLocked}
          </p>
          <p className="mt-1 text-xs text-muted">{t.lockedNote(policy.releaseBpsPerDay)}</p>
        </Card>
      </div>

      {releasedToday !== null || next > 0 ? (
        <p className="rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800" data-testid="next-release">
          {releasedToday !== null ? t.releasedToday(releasedToday) : t.nextRelease(next)}
        </p>
      ) : null}

      <Card title={t.expiring}>
        {expiries.length === 0 ? (
          <EmptyState title={t.expiringEmpty} description={t.expiringEmptyBody} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="expiries">
            {expiries.map((g) => (
              <li key={g.day ?? "never"} className="flex items-center justify-between gap-3 py-2">
                <span>{g.day ? t.validUntil(g.day) : t.never}</span>
                <span className="shrink-0 tabular-nums">{g.points} 分</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t.releases}>
        {releases.length === 0 ? (
          <EmptyState title={t.releasesEmpty} description={t.releasesEmptyBody} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="releases">
            {releases.map((r) => (
              <li key={r.day} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">{r.day}</span>
                  <span className="block text-xs text-muted">释放于 {dateTime.format(r.createdAt)}</span>
                </span>
                <span className="shrink-0 tabular-nums text-green-700">+{r.points} 分</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t.history}>
        {history.length === 0 ? (
          <EmptyState title={t.historyEmpty} description={t.historyEmptyBody} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="points-history">
            {history.map((h) => (
              <li key={h.transactionId} className="flex items-start justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">
                    {TX_KIND_LABEL[h.kind] ?? h.kind}
                    {h.reason ? `：${h.reason}` : ""}
                  </span>
                  <span className="block text-xs text-muted">
                    {dateTime.format(h.createdAt)}
                    {h.orderNo ? ` · ${h.orderNo}` : ""}
                  </span>
                </span>
                <span className="shrink-0 text-right tabular-nums">
                  {h.available !== 0 ? (
                    <span className={`block ${h.available > 0 ? "text-green-700" : "text-ink"}`}>可用 {signed(h.available)}</span>
                  ) : null}
                  {h.locked !== 0 ? (
                    <span className="block text-xs text-muted">待释放 {signed(h.locked)}</span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t.rules}>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink" data-testid="points-rules">
          {rules(policy.releaseBpsPerDay, policy.expiryDays).map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
