import type { AccountKind, AccountOwner } from "@/lib/ledger/reports";
import { formatFen } from "@/lib/money/format";

/** Operator-facing names of the ledger's account kinds. */
export const KIND_LABEL: Record<AccountKind, string> = {
  world: "支付通道（外部）",
  platform_fees: "平台服务费",
  points_issued: "已发行积分（平台）",
  points_reserve: "积分备付金",
  merchant_settlement: "商家结算",
  pool: "免单奖池",
  wallet: "顾客钱包",
  withdrawals_pending: "提现处理中",
  points_locked: "锁定积分",
  points_available: "可用积分",
};

/** Operator-facing names of the ledger transaction kinds (unknown ones show their code). */
export const TX_LABEL: Record<string, string> = {
  order_paid: "订单支付",
  queue_payout: "排队免单",
  draw_payout: "抽奖免单",
  exit_compensation: "退出补偿",
  points_redemption: "积分抵扣",
  order_refund: "订单退款",
  points_release: "积分释放",
  points_expiry: "积分过期",
  withdrawal_requested: "申请提现",
  withdrawal_paid: "提现完成",
  withdrawal_rejected: "提现驳回",
  points_adjustment: "积分调整",
};

/** What each invariant means, in the console's language (SPEC: The ledger). */
export const INVARIANT_LABEL: Record<string, string> = {
  I1: "每笔交易按资产借贷平衡",
  I2: "每个记余额账户的余额等于其分录之和",
  I3: "受保护账户没有负余额",
  I4: "每个已免单条目恰有一笔派发：金额、奖池、顾客都对",
  I5: "先来先付：没有排队条目排在按序已付条目之前",
  I6: "自动派发队列：派发后奖池不再够付队首",
  I7: "每笔订单只支付一次",
  I8: "账本只追加：禁止修改删除的触发器在位",
  I9: "队列计数器（排位、前方金额）与逐条重算一致",
};

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** An amount in its asset's unit: ¥ for CNY (fen), points for PTS. `signed` adds + to gains. */
export function formatAmount(asset: "CNY" | "PTS", amount: number, signed = false): string {
  const plus = signed && amount > 0 ? "+" : "";
  if (asset === "CNY") return `${plus}${formatFen(amount)}`;
  const sign = amount < 0 ? "-" : plus;
  return `${sign}${grouped(Math.abs(amount))} 积分`;
}

/** Who an account belongs to, in one line. */
export function ownerLabel(owner: AccountOwner): string {
  switch (owner.type) {
    case "platform":
      return "平台";
    case "user":
      return `${owner.displayName}（@${owner.username} · 用户 #${owner.userId}）`;
    case "merchant":
      return `${owner.name}（${owner.slug} · 商家 #${owner.merchantId}）`;
    case "queue":
      return `${owner.name}（队列 #${owner.queueId}）`;
  }
}
