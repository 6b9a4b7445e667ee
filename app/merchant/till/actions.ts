"use server";

import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { recordTillOrder } from "@/lib/api/till";
import { validatedAction } from "@/lib/auth/action";
import { DomainError } from "@/lib/errors";
import { parseYuan } from "@/lib/money/parse";

const tillSchema = z.object({
  customer: z.string().trim().min(1, "till.customerRequired").max(64, "till.unknownCustomer"),
  amount: z.string().max(32, "amount.invalid"),
  requestKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "till.resubmitted"),
});

/**
 * An order paid at the till, recorded by the store's owner or a cashier (the store comes from the
 * session). The form's request key makes a double submit return the first order.
 */
export const recordTillOrderAction = validatedAction(tillSchema, "store", async (input, { viewer, store: { merchant } }) => {
  const amount = parseYuan(input.amount);
  if (!amount.ok) throw new DomainError("invalid_input", amount.message, "amount", amount.params);
  const { order, replayed } = await inTransaction((tx) =>
    recordTillOrder(tx, { merchantId: merchant.id, userId: viewer.userId, customer: input.customer, amountFen: amount.fen, requestKey: input.requestKey }),
  );
  revalidatePath("/merchant/orders");
  return {
    orderNo: order.order_no,
    amountFen: order.amount_fen,
    pointsEarned: order.points_earned,
    positions: order.entries.map((e) => e.position),
    replayed,
    nextKey: randomUUID(),
  };
});
