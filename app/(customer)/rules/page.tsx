import { Card } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { pointsPolicy } from "@/lib/points/policy";
import { DEFAULT_RULES, PLATFORM_RULES } from "@/lib/rules/settings";
import { computeShares } from "@/lib/rules/shares";
import { bpsPercent } from "../_ui/format";
import { RiskNotice } from "../_ui/risk-notice";

export const metadata = { title: "平台规则 · Freeline" };
export const dynamic = "force-dynamic";

/** The platform's rules in plain words. Each store's own rates are on its store page. */
export default function RulesPage() {
  const policy = pointsPolicy();
  const ex = computeShares(10_000, DEFAULT_RULES);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-ink">平台规则</h1>
      <RiskNotice />
      <Card title="排队免单">
        <ul className="list-disc space-y-1 pl-5 text-sm">
          <li>
            每家参与的门店拿出每笔订单实付金额的一部分作为让利（{bpsPercent(PLATFORM_RULES.rebateBps.min)}–
            {bpsPercent(PLATFORM_RULES.rebateBps.max)}，由门店在平台范围内设定）。让利中一部分为平台服务费，一部分以绿色积分返给顾客，其余进入该店的免单池。
          </li>
          <li>订单达到门店的排队门槛后，按实付金额加入该店的免单队列；大单按门店设定拆成多份排队。</li>
          <li>免单池够支付队首时，队首那份的全部金额退回顾客的钱包。严格先来先得，不会跳过队首。</li>
          <li>
            例：默认费率下 ¥100.00 的订单，让利 {formatFen(ex.rebateFen)}，其中服务费 {formatFen(ex.platformFeeFen)}，积分{" "}
            {ex.pointsEarned} 分，进入免单池 {formatFen(ex.poolFen)}，商家实收 {formatFen(ex.merchantNetFen)}。
          </li>
          <li>每一项都按分向下取整，取整的余数归商家。</li>
          <li>顾客可以随时退出排队，退出前会看到补偿积分的确切数目（以退出时免单池的余额为上限）。</li>
          <li>
            平台运营可能在某个队列举行幸运抽奖：在免单池足够支付的排队条目中，用密码学随机数公平地抽取一份免单，单次上限 ¥50,000.00，每次抽奖都有审计记录。抽奖免单会被明确标注。
          </li>
          <li>门店规则会有版本：每个排队条目按加入时的规则执行，规则调整只影响之后的新订单。</li>
        </ul>
      </Card>
      <Card title="绿色积分">
        <ul className="list-disc space-y-1 pl-5 text-sm">
          <li>下单获得的积分先进入“待释放”，每天释放其中的 {bpsPercent(policy.releaseBpsPerDay)}（向上取整）到“可用”。</li>
          <li>可用积分在任意参与门店下单时抵扣，1 分 = ¥0.01；抵扣部分不产生让利，也不参与排队。</li>
          <li>
            {policy.expiryDays > 0
              ? `可用积分自释放之日起 ${policy.expiryDays} 天后过期，先释放的先过期。`
              : "可用积分不会过期。"}
          </li>
          <li>积分价值固定，不能转让给他人，也不能提现。只有钱包里的免单金额可以提现。</li>
        </ul>
      </Card>
      <Card title="我们不做的事">
        <ul className="list-disc space-y-1 pl-5 text-sm">
          <li>不收取任何入场费，没有付费会员等级。</li>
          <li>不因拉人给予任何奖励：没有推荐加速、团队排队或多级分成。</li>
          <li>从不承诺一定免单，也不承诺免单时间。</li>
        </ul>
      </Card>
    </div>
  );
}
