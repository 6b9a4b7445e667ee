import { z } from "zod";
import { db } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { json, withAuth } from "@/lib/http/route";
import { addDays, isCalendarDay, shanghaiDay } from "@/lib/points/day";
import { runDailyRelease } from "@/lib/points/release";
import { cronInput } from "../_lib/input";

/** How far back a caller may catch up missed days (docs/points.md). */
const CATCH_UP_DAYS = 31;

const input = z
  .object({ day: z.string().refine(isCalendarDay, "day must be a calendar date YYYY-MM-DD").optional() })
  .strict();

// The job stops starting batches after 50 s and answers `done: false`; callers call again.
export const maxDuration = 60;

/**
 * The daily points release, cron secret only. `day` (query or JSON body) releases another
 * Asia/Shanghai day than today: a missed day, up to 31 days back, never a future one. Such an
 * override is written to the audit log. 200 with the counts; 500 when some customers failed.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async (req) => {
  const { day } = input.parse(await cronInput(req));
  const today = shanghaiDay();
  if (day !== undefined && day > today) throw new DomainError("invalid_input", `day ${day} is in the future (today is ${today})`, "day");
  if (day !== undefined && day < addDays(today, -CATCH_UP_DAYS)) {
    throw new DomainError("invalid_input", `day ${day} is more than ${CATCH_UP_DAYS} days ago`, "day");
  }
  const run = await runDailyRelease(day ?? today);
  const override = day !== undefined && day !== today;
  if (override) {
    await recordAudit(db, {
      actorUserId: null,
      action: "points.release",
      subjectType: "release_day",
      subjectId: run.day,
      reason: `cron call for a past day (today is ${today})`,
      details: run,
    });
  }
  return json({ job: "release", ...run, override }, { status: run.failed > 0 ? 500 : 200 });
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
