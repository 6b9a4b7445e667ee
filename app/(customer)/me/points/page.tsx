import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Card, EmptyState, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { addDays, shanghaiDay } from "@/lib/points/day";
import { upcomingExpiries, type UpcomingExpiry } from "@/lib/points/expire";
import { pointsHistory, releaseHistory } from "@/lib/points/history";
import { pointsPolicy } from "@/lib/points/policy";
import { dailyReleaseOf } from "@/lib/points/release";
import { bpsPercent } from "../../_ui/format";
import { historyLabel } from "../../_ui/labels";
import { ReleaseChart } from "./release-chart";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("customer.points"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

const signed = (n: number) => `${n > 0 ? "+" : ""}${n}`;

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
  const [balances, lots, releases, history, t, tl, locale] = await Promise.all([
    customerBalances(viewer.userId),
    upcomingExpiries(viewer.userId, 200),
    releaseHistory(viewer.userId, 30),
    pointsHistory(viewer.userId, 100),
    getTranslations("customer.points"),
    getTranslations("customer.labels"),
    getLocale(),
  ]);
  const rules = [
    t("rule1"),
    t("rule2", { rate: bpsPercent(policy.releaseBpsPerDay) }),
    policy.expiryDays > 0 ? t("rule3Expiry", { days: policy.expiryDays }) : t("rule3Never"),
    t("rule4"),
  ];
  const expiries = byExpiryDay(lots);
  const today = shanghaiDay();
  const releasedToday = releases[0]?.day === today ? releases[0].points : null;
  const next = dailyReleaseOf(balances.pointsLocked, policy.releaseBpsPerDay);

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        back={{ href: "/me", label: t("back") }}
      />

      <div className="grid grid-cols-2 gap-3">
        <Card title={t("available")}>
          <p className="text-2xl font-semibold tabular-nums" data-testid="points-available">
            {balances.pointsAvailable}
          </p>
          <p className="mt-1 text-xs text-muted">{t("availableNote", { amount: formatFen(balances.pointsAvailable) })}</p>
        </Card>
        <Card title={t("locked")}>
          <p className="text-2xl font-semibold tabular-nums" data-testid="points-locked">
            {balances.pointsLocked}
          </p>
          <p className="mt-1 text-xs text-muted">{t("lockedNote", { amount: formatFen(balances.pointsLocked), rate: bpsPercent(policy.releaseBpsPerDay) })}</p>
        </Card>
      </div>

      {releasedToday !== null || next > 0 ? (
        <p className="rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800" data-testid="next-release">
          {releasedToday !== null ? t("releasedToday", { points: releasedToday, amount: formatFen(releasedToday) }) : t("nextRelease", { points: next, amount: formatFen(next) })}
        </p>
      ) : null}

      {balances.pointsLocked > 0 ? (
        <Card>
          {/* The job releases just after midnight in Shanghai: the next release is tomorrow's. */}
          <ReleaseChart locked={balances.pointsLocked} releaseBpsPerDay={policy.releaseBpsPerDay} firstDay={addDays(today, 1)} locale={locale} />
        </Card>
      ) : null}

      <Card title={t("expiring")}>
        {expiries.length === 0 ? (
          <EmptyState title={t("expiringEmpty")} description={t("expiringEmptyBody")} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="expiries">
            {expiries.map((g) => (
              <li key={g.day ?? "never"} className="flex items-center justify-between gap-3 py-2">
                <span>{g.day ? t("validUntil", { day: g.day }) : t("never")}</span>
                <span className="shrink-0 tabular-nums">{t("amount", { points: String(g.points), amount: formatFen(g.points) })}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("releases")}>
        {releases.length === 0 ? (
          <EmptyState title={t("releasesEmpty")} description={t("releasesEmptyBody")} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="releases">
            {releases.map((r) => (
              <li key={r.day} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">{r.day}</span>
                  <span className="block text-xs text-muted">{t("releasedAt", { at: formatShortDateTime(r.createdAt, { locale }) })}</span>
                </span>
                <span className="shrink-0 tabular-nums text-green-700">{t("amount", { points: `+${r.points}`, amount: formatFen(r.points) })}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("history")}>
        {history.length === 0 ? (
          <EmptyState title={t("historyEmpty")} description={t("historyEmptyBody")} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="points-history">
            {history.map((h) => (
              <li key={h.transactionId} className="flex items-start justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">
                    {historyLabel(tl, h)}
                  </span>
                  <span className="block text-xs text-muted">
                    {formatShortDateTime(h.createdAt, { locale })}
                    {h.orderNo ? ` · ${h.orderNo}` : ""}
                  </span>
                </span>
                <span className="shrink-0 text-right tabular-nums">
                  {h.available !== 0 ? (
                    <span className={`block ${h.available > 0 ? "text-green-700" : "text-ink"}`}>{t("availableDelta", { delta: signed(h.available), amount: formatFen(h.available) })}</span>
                  ) : null}
                  {h.locked !== 0 ? (
                    <span className="block text-xs text-muted">{t("lockedDelta", { delta: signed(h.locked), amount: formatFen(h.locked) })}</span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("rules")}>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink" data-testid="points-rules">
          {rules.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
