import { z } from "zod";
import { db } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { json, withAuth } from "@/lib/http/route";
import { expireLots } from "@/lib/points/expire";
import { cronInput } from "../_lib/input";

const DAY_MS = 86_400_000;
/** `now` may be moved at most this far from the real clock (docs/points.md). */
const PAST_DAYS = 366;
const FUTURE_DAYS = 3660;

const input = z.object({ now: z.iso.datetime({ offset: true }).optional() }).strict();

export const maxDuration = 60;

/**
 * The points expiry job, cron secret only. `now` (ISO 8601 with an offset, query or JSON body)
 * expires as of another instant, to simulate time passing in tests: at most 366 days back and
 * 3660 days ahead. Such an override is written to the audit log. 200 with the counts; 500 when
 * some customers failed.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async (req) => {
  const parsed = input.parse(await cronInput(req));
  const real = new Date();
  const now = parsed.now !== undefined ? new Date(parsed.now) : real;
  if (now.getTime() > real.getTime() + FUTURE_DAYS * DAY_MS || now.getTime() < real.getTime() - PAST_DAYS * DAY_MS) {
    throw new DomainError("invalid_input", `now must be within ${PAST_DAYS} days back and ${FUTURE_DAYS} days ahead`, "now");
  }
  const run = await expireLots(now);
  const override = parsed.now !== undefined;
  if (override) {
    await recordAudit(db, {
      actorUserId: null,
      action: "points.expire",
      subjectType: "expiry_run",
      subjectId: run.now,
      reason: `cron call with now overridden (real time ${real.toISOString()})`,
      details: run,
    });
  }
  return json({ job: "expire", ...run, override }, { status: run.failed > 0 ? 500 : 200 });
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
