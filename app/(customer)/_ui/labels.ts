/** Customer-facing names of ledger events and entry states. */
export const TX_KIND_LABEL: Record<string, string> = {
  order_paid: "下单获得积分",
  queue_payout: "排队免单到账",
  draw_payout: "幸运抽奖免单到账",
  exit_compensation: "退出排队补偿",
  points_redemption: "积分抵扣",
  order_refund: "订单退款",
  points_release: "积分释放",
  points_expiry: "积分过期",
  withdrawal_requested: "申请提现",
  withdrawal_paid: "提现已打款",
  withdrawal_rejected: "提现被驳回，已退回",
  points_adjustment: "人工调整",
};

export const ACCOUNT_LABEL: Record<string, string> = {
  wallet: "钱包",
  withdrawals_pending: "提现中",
  points_locked: "待释放积分",
  points_available: "可用积分",
};

export const ENTRY_STATUS: Record<string, { label: string; tone: "brand" | "success" | "neutral" | "warn" }> = {
  waiting: { label: "排队中", tone: "brand" },
  paid: { label: "已免单", tone: "success" },
  left: { label: "已退出", tone: "neutral" },
  cancelled: { label: "已取消", tone: "warn" },
};
