// `npm run chaos -- --broken-outbox`: a DELIBERATELY WRONG refund, to prove that the chaos run's
// provider check catches it. It is composed here, in the chaos run's own process, from the domain
// functions (refundOrder, settleRefund) and the real SDK providers; nothing in the app can reach it.
//
// The wrong part: the provider is asked for the refund INSIDE the database transaction that records
// it, instead of after commit by the `refund.send` job (lib/orders/refund-provider.ts). When the
// provider does the refund but the transaction then rolls back (its answer was lost and the SDK
// timed out, or the backend was terminated meanwhile), the customer has the money and the ledger
// says they do not: the provider check must count it.
import { drizzle } from "drizzle-orm/node-postgres";
import { sql } from "drizzle-orm";
import { createPool } from "@/db";
import * as schema from "@/db/schema";
import { isDomainError } from "@/lib/errors";
import { refundOrder, type RefundActor } from "@/lib/orders/refund";
import { settleRefund } from "@/lib/orders/refund-provider";
import type { PaymentProvider } from "@/lib/payments/provider";
import type { Outcome } from "./http";
import type { RealProvider } from "./providers";

export class BrokenOutbox {
  private readonly pool;
  private readonly db;
  readonly figures = { attempts: 0, committed: 0, rolledBack: 0, refused: 0 };

  constructor(
    url: string,
    private readonly providers: Record<RealProvider, PaymentProvider>,
  ) {
    // Not named chaos-monitor: the backend terminator may kill these connections too.
    this.pool = createPool(url, 6);
    this.db = drizzle(this.pool, { schema });
  }

  /** Refunds a paid order the wrong way; answers as the app's action would have. */
  async refund(orderId: number, actor: RefundActor, reason: string): Promise<Outcome> {
    this.figures.attempts += 1;
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    try {
      await this.db.transaction(async (tx) => {
        const r = await refundOrder(tx, { orderId, actor, reason });
        if (r.refundStatus !== "pending") return;
        const o = (
          await tx.execute<{ provider: string; provider_ref: string | null; cash_fen: number }>(sql`
            select provider, provider_ref, cash_fen from orders where id = ${orderId}`)
        ).rows[0]!;
        const provider = this.providers[o.provider as RealProvider];
        if (!provider) throw new Error(`broken outbox: order ${orderId} was paid through ${o.provider}`);
        // WRONG ON PURPOSE: the provider is called with the transaction open.
        const result = await provider.refund({
          outRefundNo: r.outRefundNo,
          orderNo: r.orderNo,
          paymentRef: o.provider_ref,
          refundFen: r.refundedFen,
          totalFen: Number(o.cash_fen),
          reason,
        });
        await settleRefund(tx, r.outRefundNo, result);
      });
      this.figures.committed += 1;
      return { kind: "ack", status: 200, body: {}, headers: new Headers(), ms: ms() };
    } catch (e) {
      if (isDomainError(e) && e.code !== "unavailable") {
        this.figures.refused += 1;
        return { kind: "refused", status: e.status, message: e.message, ms: ms() };
      }
      // The provider failed or the database did: the transaction rolled back, whatever the provider did.
      this.figures.rolledBack += 1;
      return { kind: "unavailable", status: 503, message: e instanceof Error ? e.message.slice(0, 200) : String(e), ms: ms() };
    }
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
