import "server-only";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { payoutAccounts, users, withdrawals } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import type { PayoutAccount } from "@/lib/payments";
import { maskPayoutAccount, type MaskedPayoutAccount } from "./mask";
import { bindAlipaySchema, type BindAlipayInput } from "./payout-account-input";

/** A bound account as its owner and an operator see it: masked, never the raw id. */
export type BoundAccount = MaskedPayoutAccount & { id: number; createdAt: Date };

type Row = { id: number; kind: "wechat" | "alipay"; openid: string | null; alipay_account: string | null; real_name: string | null; created_at: Date };

/** The destination a provider needs, from a stored row. */
export function destinationOf(r: Pick<Row, "kind" | "openid" | "alipay_account" | "real_name">): PayoutAccount {
  return r.kind === "wechat" ? { kind: "wechat", openid: r.openid! } : { kind: "alipay", account: r.alipay_account!, realName: r.real_name! };
}

function toBound(r: Row): BoundAccount {
  return { id: r.id, createdAt: r.created_at, ...maskPayoutAccount(destinationOf(r)) };
}

/** The customer's bound accounts (at most one of each kind), WeChat first. */
export async function boundAccounts(userId: number, conn: Db | Tx = db): Promise<BoundAccount[]> {
  const found = await conn
    .select({
      id: payoutAccounts.id,
      kind: payoutAccounts.kind,
      openid: payoutAccounts.openid,
      alipay_account: payoutAccounts.alipayAccount,
      real_name: payoutAccounts.realName,
      created_at: payoutAccounts.createdAt,
    })
    .from(payoutAccounts)
    .where(and(eq(payoutAccounts.userId, userId), isNull(payoutAccounts.unboundAt)))
    .orderBy(asc(payoutAccounts.kind));
  return found.map(toBound);
}

/** The customer's openid for our WeChat app id, if they bound WeChat: JSAPI payments inside WeChat need it. */
export async function boundWechatOpenid(userId: number): Promise<string | undefined> {
  const [row] = await db
    .select({ openid: payoutAccounts.openid })
    .from(payoutAccounts)
    .where(and(eq(payoutAccounts.userId, userId), eq(payoutAccounts.kind, "wechat"), isNull(payoutAccounts.unboundAt)));
  return row?.openid ?? undefined;
}

/**
 * Binds (or replaces) the customer's account of this kind, under a lock on the customer's row so
 * two binds of one customer take turns. Refused while a withdrawal of the customer is still open:
 * its money is on its way to the account it was requested for.
 */
async function bind(tx: Tx, userId: number, values: { kind: "wechat"; openid: string } | { kind: "alipay"; alipayAccount: string; realName: string }): Promise<BoundAccount> {
  const user = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("no key update");
  if (user.length === 0) throw new DomainError("not_found", "payout.noUser");
  // Unbind first, then look for open withdrawals: a request naming the old account holds a share
  // lock on its row until it commits (requestedAccount), so the update waits for it and the count
  // below, a statement of its own, sees it. Counted first, a request still in flight was missed and
  // its money went to an account unbound under it.
  await tx
    .update(payoutAccounts)
    .set({ unboundAt: sql`now()` })
    .where(and(eq(payoutAccounts.userId, userId), eq(payoutAccounts.kind, values.kind), isNull(payoutAccounts.unboundAt)));
  const [open] = await tx
    .select({ n: count() })
    .from(withdrawals)
    .innerJoin(payoutAccounts, eq(payoutAccounts.id, withdrawals.payoutAccountId))
    .where(and(eq(withdrawals.userId, userId), eq(payoutAccounts.kind, values.kind), inArray(withdrawals.status, ["requested", "approved", "sending"])));
  if ((open?.n ?? 0) > 0) throw new DomainError("not_allowed", "payout.openWithdrawal");
  const [row] = await tx
    .insert(payoutAccounts)
    .values(values.kind === "wechat" ? { userId, kind: "wechat", openid: values.openid } : { userId, kind: "alipay", alipayAccount: values.alipayAccount, realName: values.realName })
    .returning();
  const bound = toBound({
    id: row!.id,
    kind: row!.kind,
    openid: row!.openid,
    alipay_account: row!.alipayAccount,
    real_name: row!.realName,
    created_at: row!.createdAt,
  });
  // The log keeps the masked form only: the audit page is read by every operator.
  await recordAudit(tx, { actorUserId: userId, action: "payout_account.bind", subjectType: "user", subjectId: userId, details: { kind: bound.kind, account: bound.masked } });
  return bound;
}

/** Binds an Alipay account: the real name and the logon id (phone or email), checked again here. */
export async function bindAlipayAccount(tx: Tx, userId: number, input: BindAlipayInput): Promise<BoundAccount> {
  const parsed = bindAlipaySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError("invalid_input", issue.message, String(issue.path[0] ?? "alipayAccount"));
  }
  return bind(tx, userId, { kind: "alipay", alipayAccount: parsed.data.alipayAccount, realName: parsed.data.realName });
}

const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** Binds the WeChat openid that WeChat's OAuth answered for this customer. */
export async function bindWechatAccount(tx: Tx, userId: number, openid: string): Promise<BoundAccount> {
  if (!OPENID.test(openid)) throw new DomainError("invalid_input", "payout.wechatFailed");
  return bind(tx, userId, { kind: "wechat", openid });
}
