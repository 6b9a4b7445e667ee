"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { DomainError } from "@/lib/errors";
import { ALLIANCE_RULES, dissolveAlliance, formAlliance, joinAlliance } from "@/lib/merchants/alliances";
import { PAYOUT_MODES } from "@/lib/rules/settings";
import { expireStorePages } from "@/lib/http/store-pages";
import { idParam } from "@/lib/http/params";

const formSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "alliance.nameRequired" })
    .refine((s) => s.length <= ALLIANCE_RULES.nameMaxLength, { error: "alliance.nameTooLong", params: { max: ALLIANCE_RULES.nameMaxLength } }),
  payoutMode: z.enum(PAYOUT_MODES, { error: "alliance.chooseMode" }),
});

// Checkboxes repeat the field, which the action helper's one-value-per-field object cannot hold, so
// the members are read from the FormData itself.
const membersSchema = z
  .array(idParam())
  .min(ALLIANCE_RULES.minMembers)
  .max(ALLIANCE_RULES.maxMembers);

/** Forms an alliance from the checked stores (audited inside the same transaction). */
export const formAllianceAction = validatedAction(formSchema, "operator", async ({ name, payoutMode }, { viewer, formData }) => {
  const members = membersSchema.safeParse([...new Set(formData.getAll("merchantIds").map(String))]);
  if (!members.success) {
    throw new DomainError("invalid_input", "alliance.chooseMembers", "merchantIds", {
      min: ALLIANCE_RULES.minMembers,
      max: ALLIANCE_RULES.maxMembers,
    });
  }
  const formed = await inTransaction((tx) => formAlliance(tx, { name, merchantIds: members.data, operatorId: viewer.userId, payoutMode }));
  await expireStorePages();
  revalidatePath("/operator/alliances");
  return { allianceId: formed.alliance.id, name: formed.alliance.name, queueId: formed.queueId, members: formed.members.map((m) => m.name) };
});

const dissolveSchema = z.object({ allianceId: idParam() });

/** Dissolves an alliance: entries and pool go back to each store's own queue (audited inside). */
export const dissolveAllianceAction = validatedAction(dissolveSchema, "operator", async ({ allianceId }, { viewer }) => {
  const done = await inTransaction((tx) => dissolveAlliance(tx, { allianceId, operatorId: viewer.userId }));
  await expireStorePages();
  revalidatePath("/operator/alliances");
  return { name: done.name, stores: done.members.map((m) => m.name), entries: done.members.reduce((s, m) => s + m.movedEntries, 0), poolFen: done.poolFen };
});

const joinSchema = z.object({ allianceId: idParam(), merchantId: idParam("alliance.chooseStore") });

/** Adds a store to an alliance, with its waiting entries and its pool (audited inside). */
export const joinAllianceAction = validatedAction(joinSchema, "operator", async ({ allianceId, merchantId }, { viewer }) => {
  const joined = await inTransaction((tx) => joinAlliance(tx, { allianceId, merchantId, operatorId: viewer.userId }));
  await expireStorePages();
  revalidatePath("/operator/alliances");
  return { store: joined.member.name, entries: joined.member.movedEntries, poolFen: joined.member.oldPoolFen };
});
