"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/db";
import { validatedAction } from "@/lib/auth/action";
import { recordConsent } from "@/lib/auth/consent";
import { safeNextPath } from "@/lib/auth/next-path";

/** The signed-in person agrees to the current privacy notice, then goes where they were headed. */
export const agreeToNoticeAction = validatedAction(
  z.object({ next: z.string().max(2000).optional() }),
  "any",
  async (input, { viewer }) => {
    await recordConsent(db, viewer.userId);
    redirect(safeNextPath(input.next) ?? "/me");
  },
  { beforeConsent: true },
);
