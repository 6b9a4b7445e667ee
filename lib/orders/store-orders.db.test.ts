import { afterAll, describe, expect, it } from "vitest";
import { inTransaction } from "@/db/transaction";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { refundOrder } from "./refund";
import { normalizeOrderNo, orderByNo, ORDERS_PAGE_SIZE, storeOrders } from "./store-orders";

afterAll(expectLedgerClean);

describe("order lists for refunds", () => {
  it("lists a store's orders newest first, pages them, finds by order number, summarises entries", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 5000 });
    const other = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const placed = [];
    for (let i = 0; i < ORDERS_PAGE_SIZE + 2; i++) placed.push(await placePaidOrder(customer, store.id, 1_000 + i));
    const big = await placePaidOrder(customer, store.id, 12_000); // 3 units: 5000 + 5000 + 2000
    await placePaidOrder(customer, other.id, 5_000);

    const first = await storeOrders(store.id);
    expect(first.total).toBe(ORDERS_PAGE_SIZE + 3);
    expect(first.rows).toHaveLength(ORDERS_PAGE_SIZE);
    expect(first.rows[0]!.orderNo).toBe(big.orderNo);
    expect(first.rows[0]!.entries).toEqual({ waiting: 3, paid: 0, left: 0, cancelled: 0 });
    const second = await storeOrders(store.id, { page: 2 });
    expect(second.rows.map((r) => r.orderNo)).toEqual([placed[2]!.orderNo, placed[1]!.orderNo, placed[0]!.orderNo]);

    // Search: any part of the number, any case, spaces ignored; LIKE wildcards are stripped.
    const part = big.orderNo.slice(4, 12).toLowerCase();
    expect((await storeOrders(store.id, { q: ` ${part} ` })).rows.map((r) => r.orderNo)).toEqual([big.orderNo]);
    expect(normalizeOrderNo("fl%_26 11")).toBe("FL2611");
    expect((await storeOrders(store.id, { q: "%" })).total).toBe(ORDERS_PAGE_SIZE + 3);

    const ops = await makeCustomer("operator");
    await inTransaction((tx) => refundOrder(tx, { orderId: big.orderId, actor: { userId: ops, role: "operator" }, reason: "测试" }));
    const detail = await orderByNo(big.orderNo.toLowerCase());
    expect(detail).toMatchObject({ status: "refunded", storeName: store.name, cashFen: 12_000 });
    expect(detail!.entryList.map((e) => [e.targetFen, e.status])).toEqual([
      [5000, "cancelled"],
      [5000, "cancelled"],
      [2000, "cancelled"],
    ]);
    expect(detail!.refund).toMatchObject({ provider: "dev", amountFen: 12_000, actorRole: "operator", reason: "测试" });
    expect(await orderByNo("FL000000XXXXXXXX")).toBeNull();
  });
});
