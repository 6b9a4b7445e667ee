import { z } from "zod";

/**
 * The inputs that pick a provider's day: the console's filter, its CSV export and the re-run form.
 * A day is a China-time calendar day that exists; a provider id is as the registry names them.
 */
export const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const PROVIDER_ID = /^[a-z][a-z0-9_]{1,31}$/;

/** YYYY-MM-DD that names a real date (2026-02-30 does not). */
export const dayField = z
  .string({ error: "reconcile.dayInvalid" })
  .trim()
  .regex(DAY_TEXT, { error: "reconcile.dayInvalid" })
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    },
    { error: "reconcile.dayInvalid" },
  );

export const providerField = z.string({ error: "reconcile.providerUnknown" }).trim().regex(PROVIDER_ID, { error: "reconcile.providerUnknown" });

/** `?day=&provider=`: empty means any; anything malformed is ignored (the page shows everything). */
export const filterSchema = z.object({
  day: dayField.optional().catch(undefined),
  provider: providerField.optional().catch(undefined),
});

export function parseFilter(params: Record<string, string | string[] | undefined>): { day?: string; provider?: string } {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  return filterSchema.parse({ day: one(params.day), provider: one(params.provider) });
}
