import type { getTranslations } from "next-intl/server";
import type { BadgeTone } from "@/app/_components";
import { ledgerTxKind } from "@/db/schema/ledger";

/**
 * Ledger events and accounts are named in messages/<locale>/customer.json (labels.txKind.<kind>,
 * labels.account.<account>); the entry states in customer.shared.entryStatus.<status>.
 */
// The database's own enum: a new ledger kind cannot be forgotten here (server-only module).
export const TX_KINDS = ledgerTxKind.enumValues;
export type TxKind = (typeof TX_KINDS)[number];

export function isTxKind(kind: string): kind is TxKind {
  return (TX_KINDS as readonly string[]).includes(kind);
}

type LabelT = Awaited<ReturnType<typeof getTranslations<"customer.labels">>>;

/** A history row's name (/me and /me/points): its ledger event, with the reason given for it, if any. */
export function historyLabel(tl: LabelT, h: { kind: string; reason: string | null }): string {
  const label = isTxKind(h.kind) ? tl(`txKind.${h.kind}`) : h.kind;
  return h.reason ? tl("withReason", { label, reason: h.reason }) : label;
}

export const ACCOUNTS = ["wallet", "withdrawals_pending", "withdrawals_sending", "points_locked", "points_available"] as const;
export type CustomerAccount = (typeof ACCOUNTS)[number];

export function isCustomerAccount(account: string): account is CustomerAccount {
  return (ACCOUNTS as readonly string[]).includes(account);
}

export const ENTRY_STATUSES = ["waiting", "paid", "left", "cancelled"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const ENTRY_TONE: Record<EntryStatus, BadgeTone> = {
  waiting: "brand",
  paid: "success",
  left: "neutral",
  cancelled: "warn",
};
