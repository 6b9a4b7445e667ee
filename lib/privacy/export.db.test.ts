import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { recordConsent } from "@/lib/auth/consent";
import { isDomainError } from "@/lib/errors";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { bindWechatAccount } from "@/lib/wallet/payout-accounts";
import { admitExport, EXPORT_LIMIT_PER_HOUR, ledgerCsv, ordersCsv, personalData } from "./export";
import { dataRequests } from "./requests";

describe("downloading one's data", () => {
  it("holds the profile, consents, orders, entries and ledger lines, and nobody else's", async () => {
    const c = await makeCustomer();
    const other = await makeCustomer();
    await recordConsent(db, c);
    const store = await makeStore({ rebateBps: 1000, freeBps: 10000, unitCapFen: 0, minOrderFen: 0 });
    const mine = await placePaidOrder(c, store.id, 8_800);
    await placePaidOrder(other, store.id, 9_900);
    const data = (await personalData(c)) as Record<string, Record<string, unknown>[]> & { profile: { id: number } };
    expect(Number(data.profile.id)).toBe(c);
    expect(data.consents).toHaveLength(1);
    expect(data.orders!.map((o) => o.order_no)).toEqual([mine.orderNo]);
    expect(data.queueEntries).toHaveLength(1);
    expect(data.ledger!.length).toBeGreaterThan(0);
    const orders = await ordersCsv(c);
    expect(orders).toContain(mine.orderNo);
    expect(orders.split("\r\n")).toHaveLength(3);
    expect(await ledgerCsv(c)).toContain("order_paid");
    // A bound payout account goes out masked, with its times as the other sections give them.
    await inTransaction((tx) => bindWechatAccount(tx, c, "oAbCdEf0123456789xyz4f"));
    const [bound] = ((await personalData(c)) as { payoutAccounts: Record<string, unknown>[] }).payoutAccounts;
    expect(bound).toMatchObject({ kind: "wechat", createdAt: expect.any(String), unboundAt: null });
    expect(JSON.stringify(bound)).not.toContain("0123456789");
  });

  it("is throttled per person, and each download is in the audit log", async () => {
    const c = await makeCustomer();
    for (let i = 0; i < EXPORT_LIMIT_PER_HOUR; i += 1) await inTransaction((tx) => admitExport(tx, c, "json"));
    const refused = await inTransaction((tx) => admitExport(tx, c, "orders")).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe("rate_limited");
    const logged = await db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'privacy.export' and actor_user_id = ${c}`);
    expect(logged.rows[0]!.n).toBe(EXPORT_LIMIT_PER_HOUR);
    // Someone else is not affected.
    await inTransaction(async (tx) => admitExport(tx, await makeCustomer(), "json"));
  });

  it("lists each download among the data requests, newest first, with who asked and the file", async () => {
    const c = await makeCustomer();
    await inTransaction((tx) => admitExport(tx, c, "json"));
    await inTransaction((tx) => admitExport(tx, c, "ledger"));
    const mine = (await dataRequests()).filter((r) => r.userId === c);
    expect(mine.map((r) => r.file)).toEqual(["ledger", "json"]);
    expect(mine[0]).toMatchObject({ action: "privacy.export", userName: expect.any(String), deleted: false, subjectType: "user", subjectId: String(c) });
    expect(mine[0]!.createdAt).toBeInstanceOf(Date);
    expect((await dataRequests({ beforeId: mine[0]!.id })).some((r) => r.id === mine[0]!.id)).toBe(false);
  });
});
