import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { pointsPolicy } from "@/lib/points/policy";
import { DRAW_CAP_FEN } from "@/lib/queue/draw";
import { DEFAULT_RULES, PLATFORM_RULES } from "@/lib/rules/settings";
import { computeShares } from "@/lib/rules/shares";
import { bpsPercent } from "../_ui/format";
import { RiskNotice } from "../_ui/risk-notice";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.platformRules"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

/** The platform's rules in plain words. Each store's own rates are on its store page. */
export default async function RulesPage() {
  const t = await getTranslations("customer.platformRules");
  const policy = pointsPolicy();
  const ex = computeShares(10_000, DEFAULT_RULES);
  const list = "list-disc space-y-1 pl-5 text-sm";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-ink">{t("title")}</h1>
      <RiskNotice />
      <Card title={t("queue.title")}>
        <ul className={list}>
          <li>{t("queue.rebate", { min: bpsPercent(PLATFORM_RULES.rebateBps.min), max: bpsPercent(PLATFORM_RULES.rebateBps.max) })}</li>
          <li>{t("queue.join")}</li>
          <li>{t("queue.payout")}</li>
          <li>
            {t("queue.example", {
              rebate: formatFen(ex.rebateFen),
              fee: formatFen(ex.platformFeeFen),
              points: String(ex.pointsEarned),
              pool: formatFen(ex.poolFen),
              net: formatFen(ex.merchantNetFen),
            })}
          </li>
          <li>{t("queue.rounding")}</li>
          <li>{t("queue.leave")}</li>
          <li>{t("queue.draw", { cap: formatFen(DRAW_CAP_FEN) })}</li>
          <li>{t("queue.versions")}</li>
        </ul>
      </Card>
      <Card title={t("points.title")}>
        <ul className={list}>
          <li>{t("points.release", { rate: bpsPercent(policy.releaseBpsPerDay) })}</li>
          <li>{t("points.spend")}</li>
          <li>{policy.expiryDays > 0 ? t("points.expiry", { days: policy.expiryDays }) : t("points.never")}</li>
          <li>{t("points.fixed")}</li>
        </ul>
      </Card>
      <Card title={t("never.title")}>
        <ul className={list}>
          <li>{t("never.fees")}</li>
          <li>{t("never.referrals")}</li>
          <li>{t("never.promise")}</li>
        </ul>
      </Card>
    </div>
  );
}
