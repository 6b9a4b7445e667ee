import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";
import { formatLongDateTime } from "@/lib/format/datetime";
import { pointsPolicy } from "@/lib/points/policy";
import { MERCHANT_RULE_KEYS, percentText, RULE_LABEL, ruleValueText, type MerchantRules } from "@/lib/rules/form";
import { currentRules, ruleHistory, settingsOf, storeQueueOf } from "@/lib/rules/versions";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "规则设置 · Freeline 商家" };
export const dynamic = "force-dynamic";

/** The store's rules: edit within the platform's ranges (a new version for new orders), and the version history. */
export default async function MerchantSettingsPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/settings" });
  const [current, history, queue] = await Promise.all([currentRules(merchant.id), ruleHistory(merchant.id), storeQueueOf(merchant.id)]);
  const rules = settingsOf(current);
  const mine = Object.fromEntries(MERCHANT_RULE_KEYS.map((k) => [k, rules[k]])) as MerchantRules;
  const policy = pointsPolicy();

  return (
    <div className="space-y-4">
      <PageHeader
        title="规则设置"
        description={`当前第 ${current.version} 版。保存会生成新版本，只影响之后的新订单；已有订单和排队条目按其加入时的版本执行。`}
        actions={
          <Link className="text-sm text-brand-700 underline" href={`/s/${merchant.slug}/rules`}>
            顾客看到的规则页 ›
          </Link>
        }
      />

      <Card title="本店设置">
        <SettingsForm
          current={mine}
          platformFeeBps={rules.platformFeeBps}
          alliance={queue?.allianceName ? { name: queue.allianceName, payoutMode: queue.payoutMode } : null}
        />
      </Card>

      <Card title="平台统一设置（不可修改）">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
          <dt className="text-muted">平台服务费</dt>
          <dd>让利的 {percentText(rules.platformFeeBps)}</dd>
          <dt className="text-muted">积分每日释放</dt>
          <dd>待释放积分的 {percentText(policy.releaseBpsPerDay)}（向上取整）</dd>
          <dt className="text-muted">积分有效期</dt>
          <dd>{policy.expiryDays > 0 ? `释放后 ${policy.expiryDays} 天` : "永不过期"}</dd>
        </dl>
        <p className="mt-2 text-xs text-muted">顾客的积分来自多家门店，释放和过期按全平台统一规则执行。</p>
      </Card>

      <Card title="版本历史">
        <ol className="divide-y divide-line text-sm" data-testid="rule-history">
          {history.map((v) => (
            <li key={v.id} className="py-2">
              <p className="font-medium">
                第 {v.version} 版 <span className="font-normal text-muted">· {formatLongDateTime(v.createdAt)}</span>
                {v.version === current.version ? <span className="ml-2 text-xs text-brand-700">当前</span> : null}
              </p>
              {v.changes.length === 0 ? (
                <p className="text-muted">初始规则：让利 {percentText(v.rules.rebateBps)}</p>
              ) : (
                <ul className="text-muted">
                  {v.changes.map((c) => (
                    <li key={c.key}>
                      {RULE_LABEL[c.key]}：{ruleValueText(c.key, c.from)} → {ruleValueText(c.key, c.to)}
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
