import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Card, PageHeader } from "@/app/_components";
import { ruleText } from "@/lib/rules/rule-text";
import { requireMerchant } from "@/lib/auth/session";
import { formatLongDateTime } from "@/lib/format/datetime";
import { pointsPolicy } from "@/lib/points/policy";
import { MERCHANT_RULE_KEYS, percentText, type MerchantRules } from "@/lib/rules/form";
import { currentRules, ruleHistory, settingsOf, storeQueueOf } from "@/lib/rules/versions";
import { SettingsForm } from "./settings-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.settings");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The store's rules: edit within the platform's ranges (a new version for new orders), and the version history. */
export default async function MerchantSettingsPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/settings" });
  const [current, history, queue, t, locale] = await Promise.all([
    currentRules(merchant.id),
    ruleHistory(merchant.id),
    storeQueueOf(merchant.id),
    getTranslations("merchant.settings"),
    getLocale(),
  ]);
  const words = ruleText(locale);
  const rules = settingsOf(current);
  const mine = Object.fromEntries(MERCHANT_RULE_KEYS.map((k) => [k, rules[k]])) as MerchantRules;
  const policy = pointsPolicy();

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description", { version: current.version })}
        actions={
          <Link className="text-sm text-brand-700 underline" href={`/s/${merchant.slug}/rules`}>
            {t("customerView")} ›
          </Link>
        }
      />

      <Card title={t("mine")}>
        <SettingsForm
          current={mine}
          platformFeeBps={rules.platformFeeBps}
          alliance={queue?.allianceName ? { name: queue.allianceName, payoutMode: queue.payoutMode } : null}
        />
      </Card>

      <Card title={t("platform")}>
        <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
          <dt className="text-muted">{words.label("platformFeeBps")}</dt>
          <dd>{t("feeValue", { percent: percentText(rules.platformFeeBps) })}</dd>
          <dt className="text-muted">{words.label("releaseBpsPerDay")}</dt>
          <dd>{t("releaseValue", { percent: percentText(policy.releaseBpsPerDay) })}</dd>
          <dt className="text-muted">{words.label("pointsExpiryDays")}</dt>
          <dd>{policy.expiryDays > 0 ? t("expiryDays", { days: policy.expiryDays }) : words.value("pointsExpiryDays", 0)}</dd>
        </dl>
        <p className="mt-2 text-xs text-muted">{t("platformNote")}</p>
      </Card>

      <Card title={t("history")}>
        <ol className="divide-y divide-line text-sm" data-testid="rule-history">
          {history.map((v) => (
            <li key={v.id} className="py-2">
              <p className="font-medium">
                {t("version", { version: v.version })} <span className="font-normal text-muted">· {formatLongDateTime(v.createdAt, { locale })}</span>
                {v.version === current.version ? <span className="ml-2 text-xs text-brand-700">{t("current")}</span> : null}
              </p>
              {v.changes.length === 0 ? (
                <p className="text-muted">{t("initial", { percent: percentText(v.rules.rebateBps) })}</p>
              ) : (
                <ul className="text-muted">
                  {v.changes.map((c) => (
                    <li key={c.key}>
                      {t("change", { label: words.label(c.key), from: words.value(c.key, c.from), to: words.value(c.key, c.to) })}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
