// The providers' own records against the ledger, after the chaos run: every payment a provider
// took is posted exactly once (and no payment is posted that no provider took), every refund a
// provider made is in the ledger exactly once (and none is in the ledger that no provider made),
// and the same for transfers (and a transfer the provider refused returned its money once). The comparison is a pure function, so a test can hand it a mismatch
// and see it counted (provider-check.test.ts).
import type pg from "pg";
import type { ProviderFakes } from "./providers";

export type ProviderPayment = { provider: string; orderNo: string; amountFen: number; ref: string };
/** A refund or transfer the provider made, by our out-id (out_refund_no / out_request_no, out_bill_no / out_biz_no). */
export type ProviderMoneyOut = { provider: string; outId: string; amountFen: number };
export type ProviderRecords = { payments: ProviderPayment[]; refunds: ProviderMoneyOut[]; transfers: ProviderMoneyOut[] };

/** An order of a real provider, with how many `order_paid` transactions it has. */
export type LedgerPayment = { orderNo: string; provider: string; cashFen: number; providerRef: string | null; postings: number };
/**
 * A money-out row (payment_refunds, or a withdrawal's transfer) of a real provider: its status,
 * and how many ledger transactions record the money leaving (refund_sent; a transfer's payout).
 */
export type LedgerMoneyOut = {
  outId: string;
  provider: string;
  amountFen: number;
  status: string;
  postings: number;
  /** Transfers only: how many ledger transactions gave the money back after the provider refused it (withdrawal_failed). */
  returns?: number;
};
export type LedgerRecords = { payments: LedgerPayment[]; refunds: LedgerMoneyOut[]; transfers: LedgerMoneyOut[] };

export type Finding = { category: string; example: string };

export const REAL_PROVIDERS = ["wechat", "alipay"] as const;

const byKey = <T>(items: T[], key: (t: T) => string) => {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
};

/** Every way the providers' records and the ledger disagree; empty when they agree. */
export function compareWithProviders(provider: ProviderRecords, ledger: LedgerRecords): Finding[] {
  const out: Finding[] = [];
  const add = (category: string, example: string) => out.push({ category, example });

  const orders = byKey(ledger.payments, (p) => p.orderNo);
  const taken = byKey(provider.payments, (p) => `${p.provider}/${p.orderNo}`);
  for (const p of provider.payments) {
    const o = orders.get(p.orderNo)?.[0];
    if (!o) {
      add("payment taken by the provider, missing from the ledger", `${p.provider} ${p.orderNo} ${p.amountFen} fen: no such order`);
      continue;
    }
    if ((taken.get(`${p.provider}/${p.orderNo}`)?.length ?? 0) > 1) add("payment taken twice by the provider", `${p.provider} ${p.orderNo}`);
    if (o.postings !== 1) add("payment taken by the provider, not posted exactly once", `${p.provider} ${p.orderNo}: ${o.postings} order_paid transactions`);
    if (o.postings > 0 && (o.cashFen !== p.amountFen || o.provider !== p.provider || o.providerRef !== p.ref)) {
      add(
        "payment posted with another amount, provider or reference",
        `${p.orderNo}: provider ${p.provider} ${p.amountFen} fen ${p.ref}, ledger ${o.provider} ${o.cashFen} fen ${o.providerRef}`,
      );
    }
  }
  for (const o of ledger.payments) {
    if (o.postings > 0 && !taken.has(`${o.provider}/${o.orderNo}`)) {
      add("payment posted that no provider took", `${o.provider} ${o.orderNo}: ${o.postings} order_paid transactions`);
    }
  }

  for (const [kind, made, rows] of [
    ["refund", provider.refunds, ledger.refunds],
    ["transfer", provider.transfers, ledger.transfers],
  ] as const) {
    const inLedger = byKey(rows, (r) => `${r.provider}/${r.outId}`);
    const byProvider = byKey(made, (m) => `${m.provider}/${m.outId}`);
    for (const m of made) {
      const r = inLedger.get(`${m.provider}/${m.outId}`)?.[0];
      if (!r) {
        add(`${kind} made by the provider, missing from the ledger`, `${m.provider} ${m.outId} ${m.amountFen} fen`);
        continue;
      }
      if (r.status !== "succeeded" || r.postings !== 1) {
        add(`${kind} made by the provider, not in the ledger exactly once`, `${m.provider} ${m.outId}: ${r.status}, ${r.postings} postings`);
      }
      if (Number.isFinite(m.amountFen) && r.amountFen !== m.amountFen) add(`${kind} of another amount in the ledger`, `${m.provider} ${m.outId}: provider ${m.amountFen} fen, ledger ${r.amountFen}`);
      if ((r.returns ?? 0) > 0) add(`${kind} made by the provider, its money also returned`, `${m.provider} ${m.outId}: ${r.returns} returns`);
    }
    for (const r of rows) {
      const k = `${r.provider}/${r.outId}`;
      if (byProvider.has(k)) continue;
      if (r.status === "failed" && r.returns !== undefined && r.returns !== 1) {
        // A transfer the provider refused gives the money back to the wallet, once.
        add(`failed ${kind} whose money was not returned exactly once`, `${r.provider} ${r.outId} ${r.amountFen} fen: ${r.returns} returns`);
      }
      if (r.status === "succeeded" || r.postings > 0) {
        add(`${kind} in the ledger that no provider made`, `${r.provider} ${r.outId}: ${r.status}, ${r.postings} postings`);
      } else if (r.status === "pending") {
        // After the run has settled, with the faults off: the money is owed and was never sent.
        add(`${kind} recorded but never sent to the provider`, `${r.provider} ${r.outId} ${r.amountFen} fen`);
      }
    }
  }
  return out;
}

const fen = (yuan: string) => Math.round(Number(yuan) * 100);

/** What the fakes hold: every payment taken, every refund and transfer made. */
export function providerRecords(fakes: ProviderFakes): ProviderRecords {
  const payments: ProviderPayment[] = [];
  const refunds: ProviderMoneyOut[] = [];
  const transfers: ProviderMoneyOut[] = [];
  for (const t of fakes.wechat.trades.values()) {
    // REFUND: paid, then (partly) refunded: still a payment taken.
    if (t.state === "SUCCESS" || t.state === "REFUND") payments.push({ provider: "wechat", orderNo: t.orderNo, amountFen: t.amountFen, ref: t.transactionId });
  }
  for (const r of fakes.wechat.refunds.values()) {
    if (r.status === "SUCCESS") refunds.push({ provider: "wechat", outId: r.outRefundNo, amountFen: r.refundFen });
  }
  for (const t of fakes.wechat.transfers.values()) {
    if (t.state === "SUCCESS") transfers.push({ provider: "wechat", outId: t.outBillNo, amountFen: t.amountFen });
  }
  for (const t of fakes.alipay.trades.values()) {
    if (t.status === "TRADE_SUCCESS") payments.push({ provider: "alipay", orderNo: t.orderNo, amountFen: fen(t.amount), ref: t.tradeNo });
    for (const [outRequestNo, amount] of t.refunded) refunds.push({ provider: "alipay", outId: outRequestNo, amountFen: fen(amount) });
  }
  for (const t of fakes.alipay.transfers.values()) {
    // The Alipay fake keeps no amount per transfer: matched by out-id and status only.
    if (t.status === "SUCCESS") transfers.push({ provider: "alipay", outId: t.outBizNo, amountFen: Number.NaN });
  }
  return { payments, refunds, transfers };
}

/**
 * The ledger's side of transfers: each withdrawal sent through a real provider (its out_bill_no,
 * fixed at approval), with its status as a money-out row (paid: succeeded; failed; still approved or
 * sending: pending) and its postings: withdrawal_paid transactions that moved its amount out of the
 * customer's withdrawals_sending (the money leaving), and withdrawal_failed ones that moved it back
 * to the wallet (the money returned). A posting counts for a withdrawal when it is the one the
 * withdrawal settled with, or one no withdrawal points to (a stray second posting of the same
 * amount then shows as a count of 2).
 */
export type TransfersInLedger = (db: pg.Pool) => Promise<LedgerMoneyOut[]>;
export const withdrawalTransfers: TransfersInLedger = async (db) => {
  const res = await db.query<{ out_bill_no: string; provider: string; amount_fen: string; status: string; paid: string; returned: string }>(
    `with settles as (
       select t.id, t.kind::text as kind, a.user_id, -l.amount as amount_fen
       from ledger_transactions t
       join ledger_entries l on l.transaction_id = t.id
       join accounts a on a.id = l.account_id and a.kind = 'withdrawals_sending' and l.amount < 0
       where t.kind::text in ('withdrawal_paid', 'withdrawal_failed'))
     select w.out_bill_no, w.provider, w.amount_fen, w.status::text as status,
            (select count(*) from settles s where s.kind = 'withdrawal_paid' and s.user_id = w.user_id and s.amount_fen = w.amount_fen
               and (s.id = w.settle_transaction_id or not exists (select 1 from withdrawals x where x.settle_transaction_id = s.id))) as paid,
            (select count(*) from settles s where s.kind = 'withdrawal_failed' and s.user_id = w.user_id and s.amount_fen = w.amount_fen
               and (s.id = w.settle_transaction_id or not exists (select 1 from withdrawals x where x.settle_transaction_id = s.id))) as returned
     from withdrawals w where w.out_bill_no is not null and w.provider = any($1::text[])`,
    [[...REAL_PROVIDERS]],
  );
  const status = (s: string) => (s === "paid" ? "succeeded" : s === "failed" ? "failed" : "pending");
  return res.rows.map((r) => ({
    outId: r.out_bill_no,
    provider: r.provider,
    amountFen: Number(r.amount_fen),
    status: status(r.status),
    postings: Number(r.paid),
    returns: Number(r.returned),
  }));
};

/** The ledger's side: real providers' orders, refunds and transfers, with their postings counted. */
export async function ledgerRecords(db: pg.Pool, transfers: TransfersInLedger = withdrawalTransfers): Promise<LedgerRecords> {
  const real = [...REAL_PROVIDERS];
  const payments = await db.query<{ order_no: string; provider: string; cash_fen: string; provider_ref: string | null; postings: string }>(
    `select o.order_no, o.provider, o.cash_fen, o.provider_ref,
            (select count(*) from ledger_transactions t where t.order_id = o.id and t.kind = 'order_paid') as postings
     from orders o where o.provider = any($1::text[])`,
    [real],
  );
  const refunds = await db.query<{ out_refund_no: string; provider: string; amount_fen: string; status: string; postings: string }>(
    `select r.out_refund_no, r.provider, r.amount_fen, r.status,
            (select count(*) from ledger_transactions t where t.order_id = r.order_id and t.kind = 'refund_sent') as postings
     from payment_refunds r where r.provider = any($1::text[])`,
    [real],
  );
  return {
    payments: payments.rows.map((r) => ({ orderNo: r.order_no, provider: r.provider, cashFen: Number(r.cash_fen), providerRef: r.provider_ref, postings: Number(r.postings) })),
    refunds: refunds.rows.map((r) => ({ outId: r.out_refund_no, provider: r.provider, amountFen: Number(r.amount_fen), status: r.status, postings: Number(r.postings) })),
    transfers: await transfers(db),
  };
}
