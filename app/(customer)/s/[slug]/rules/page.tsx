import type { Metadata } from "next";
import Link from "next/link";
import { getLocale } from "next-intl/server";
import { Card } from "@/app/_components";
import { formatLongDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { pointsPolicy } from "@/lib/points/policy";
import { DRAW_CAP_FEN } from "@/lib/queue/draw";
import { computeShares } from "@/lib/rules/shares";
import { exitCompensation, queueUnits } from "@/lib/rules/units";
import { ruleHistory, storeQueueOf } from "@/lib/rules/versions";
import { bpsPercent } from "../../../_ui/format";
import { RiskNotice } from "../../../_ui/risk-notice";
import { findStore, storeOr404 } from "../store";
import { ruleText } from "@/i18n/rule-text";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const store = await findStore((await params).slug);
  return { title: store ? `${store.merchant.name} 的规则 · Freeline` : "Freeline" };
}

/** One decimal of a / b, rounded, in integers: 130 / 1300 × 10 … → "7.7". */
function ratioText(a: number, b: number): string {
  const tenths = Math.floor((20 * a + b) / (2 * b));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** A store's current rules in plain words, worked examples, the draw disclosure and the rule history. */
export default async function StoreRulesPage({ params }: Props) {
  const { slug } = await params;
  const store = await storeOr404(slug);
  const [history, queue] = await Promise.all([ruleHistory(store.merchant.id), storeQueueOf(store.merchant.id)]);
  const r = store.rule;
  const policy = pointsPolicy();
  const words = ruleText(await getLocale());
  const ex = computeShares(10_000, r);
  const target100 = queueUnits(10_000, { ...r, unitCapFen: 0 })[0] ?? 0;
  const units350 = queueUnits(35_000, r);
  const mode = queue?.payoutMode ?? r.payoutMode;

  return (
    <div className="space-y-4">
      <header>
        <p className="text-sm">
          <Link className="text-brand-700 underline" href={`/s/${slug}`}>
            ‹ {store.merchant.name}
          </Link>
        </p>
        <h1 className="mt-1 text-2xl font-semibold text-ink">{store.merchant.name} 的规则</h1>
        <p className="mt-1 text-sm text-muted" data-testid="rule-version">
          当前第 {r.version} 版，{formatLongDateTime(r.createdAt)} 起适用于新订单。
        </p>
      </header>

      <RiskNotice />

      <Card title="本店规则">
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="current-rules">
          <li>
            每笔订单实付金额的 <strong data-testid="rebate-rate">{bpsPercent(r.rebateBps)}</strong> 是商家让利。让利中 {bpsPercent(r.platformFeeBps)}{" "}
            为平台服务费，{bpsPercent(r.pointsBps)} 以绿色积分返给您（1 分 = ¥0.01），其余进入本店（或本店所在联盟）的免单池。
          </li>
          <li>
            实付满 {formatFen(r.minOrderFen)} 的订单加入免单队列，目标金额为实付金额的 {bpsPercent(r.freeBps)}
            {r.unitCapFen > 0 ? `；大单按每份不超过 ${formatFen(r.unitCapFen)} 拆成多份排队` : "；不拆单"}。低于门槛的订单只得积分、不排队。
          </li>
          <li>
            免单池够支付队首那一份时，这一份的目标金额全部退回顾客的钱包。严格先来先得，不会跳过队首。本店当前为
            {words.mode(mode)}
            {mode === "auto" ? "：池子够了立即派发" : "：由平台运营定期运行派发"}
            {queue?.allianceName ? `（与异业联盟“${queue.allianceName}”的成员共用一个队列和免单池）` : ""}。
          </li>
          <li>您可以随时退出排队，退出前会看到补偿积分的确切数目：目标金额的 {bpsPercent(r.exitCompBps)}，以免单池当时的余额为上限。</li>
          <li>
            积分先进入“待释放”，每天释放 {bpsPercent(policy.releaseBpsPerDay)} 到“可用”；
            {policy.expiryDays > 0 ? `可用积分释放后 ${policy.expiryDays} 天过期，先释放的先过期。` : "可用积分不会过期。"}
            积分不能转让、不能提现。这两项是全平台统一的规则。
          </li>
          <li>每一项都按分向下取整，取整的余数归商家。</li>
        </ul>
      </Card>

      <Card title="示例：一笔 ¥100.00 的订单">
        <table className="w-full text-sm" data-testid="worked-example">
          <tbody className="divide-y divide-line">
            <Row label={`让利（${bpsPercent(r.rebateBps)}）`} value={formatFen(ex.rebateFen)} />
            <Row label={`其中平台服务费（让利的 ${bpsPercent(r.platformFeeBps)}）`} value={formatFen(ex.platformFeeFen)} />
            <Row label={`其中积分（让利的 ${bpsPercent(r.pointsBps)}）`} value={`${ex.pointsEarned} 分（价值 ${formatFen(ex.pointsEarned)}）`} />
            <Row label="其中进入免单池" value={formatFen(ex.poolFen)} />
            <Row label="商家实收" value={formatFen(ex.merchantNetFen)} />
          </tbody>
        </table>
        {ex.poolFen > 0 && target100 > 0 ? (
          <p className="mt-2 text-sm text-muted">
            按这个比例，大约每 {ratioText(target100, ex.poolFen)} 笔这样的订单的让利，才够免掉一份 {formatFen(target100)} 的排队。这只是算术示意：能否免单、何时免单取决于本店之后的订单。
          </p>
        ) : null}
      </Card>

      <Card title="示例：拆单排队">
        <p className="text-sm" data-testid="unit-example">
          一笔 ¥350.00 的订单：
          {units350.length === 0
            ? "不加入排队。"
            : `目标 ${formatFen(units350.reduce((a, b) => a + b, 0))}，排队 ${units350.length} 份：${units350.map((u) => formatFen(u)).join(" + ")}。`}
          每一份是一个独立的排队条目，按顺序依次免单。退出其中一份（{formatFen(units350[0] ?? 0)}）可得 {exitCompensation(units350[0] ?? 0, r.exitCompBps)} 积分补偿（以池中余额为上限）。
        </p>
      </Card>

      <Card title="幸运抽奖">
        <p className="text-sm" data-testid="draw-disclosure">
          平台运营有时会在某个队列举行幸运抽奖：在免单池够支付的排队条目中，用密码学随机数随机抽取一份免单。每次抽奖单份上限{" "}
          {formatFen(DRAW_CAP_FEN)}，运营人员、候选数和随机数都有审计记录。抽中的免单会标注为“幸运抽奖”，不算插队。
        </p>
      </Card>

      <Card title="规则历史">
        <p className="mb-2 text-xs text-muted">每个排队条目按它加入时的版本执行；规则调整只影响之后的新订单。</p>
        <ol className="divide-y divide-line text-sm" data-testid="rule-history">
          {history.map((v) => (
            <li key={v.id} className="py-2" data-testid={`rule-version-${v.version}`}>
              <p className="font-medium">
                第 {v.version} 版 <span className="font-normal text-muted">· {formatLongDateTime(v.createdAt)}</span>
              </p>
              {v.changes.length === 0 ? (
                <p className="text-muted">
                  {v.version === 1 ? "初始规则" : "规则未变"}：让利 {bpsPercent(v.rules.rebateBps)}，积分 {bpsPercent(v.rules.pointsBps)}，免单目标{" "}
                  {bpsPercent(v.rules.freeBps)}
                </p>
              ) : (
                <ul className="text-muted">
                  {v.changes.map((c) => (
                    <li key={c.key}>
                      {words.label(c.key)}：{words.value(c.key, c.from)} → {words.value(c.key, c.to)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </Card>

      <p className="text-sm">
        <Link className="text-brand-700 underline" href="/rules">
          平台规则
        </Link>
      </p>
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <tr>
      <th scope="row" className="py-1.5 pr-3 text-left font-normal text-muted">
        {label}
      </th>
      <td className="py-1.5 text-right tabular-nums">{value}</td>
    </tr>
  );
}
