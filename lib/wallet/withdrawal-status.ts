/**
 * A withdrawal's life (SPEC: withdrawals reach a real account). Pure: the domain code asks it
 * before every change and the tests check it as a property.
 *
 *   requested → approved → sending → paid
 *                                  ↘ failed   (the money back in the wallet)
 *   requested → rejected                       (the money back in the wallet)
 *
 * `approved → failed` and `approved → paid` are allowed too: the provider may answer a transfer
 * (or refuse it) for good before the worker noted it was sending, e.g. a notification or a query
 * after a crash. Nothing leaves paid, failed or rejected.
 */
export const WITHDRAWAL_STATUSES = ["requested", "approved", "sending", "paid", "failed", "rejected"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

const NEXT: Record<WithdrawalStatus, readonly WithdrawalStatus[]> = {
  requested: ["approved", "rejected"],
  approved: ["sending", "paid", "failed"],
  sending: ["paid", "failed"],
  paid: [],
  failed: [],
  rejected: [],
};

export function canMove(from: WithdrawalStatus, to: WithdrawalStatus): boolean {
  return NEXT[from].includes(to);
}

/** A status nothing follows. */
export function isFinal(s: WithdrawalStatus): boolean {
  return NEXT[s].length === 0;
}

/** Where the withdrawal's money is while it has this status (the ledger account, or gone). */
export function moneyIn(s: WithdrawalStatus): "withdrawals_pending" | "withdrawals_sending" | "wallet" | "paid out" {
  switch (s) {
    case "requested":
      return "withdrawals_pending";
    case "approved":
    case "sending":
      return "withdrawals_sending";
    case "paid":
      return "paid out";
    case "failed":
    case "rejected":
      return "wallet";
  }
}

/** Statuses whose transfer the provider is (or may be) working on: a job is due for them. */
export const IN_FLIGHT: readonly WithdrawalStatus[] = ["approved", "sending"];
