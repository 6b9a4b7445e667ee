import { z } from "@/lib/zod";

/**
 * The store profile's fields and the application's details: pure parsing, shared by the server
 * actions and the domain functions (lib/merchants/profile.ts, onboarding.ts).
 */

export const STORE_CATEGORIES = ["restaurant", "drinks", "bakery", "grocery", "retail", "services", "other"] as const;
export type StoreCategory = (typeof STORE_CATEGORIES)[number];

export function isStoreCategory(s: unknown): s is StoreCategory {
  return typeof s === "string" && (STORE_CATEGORIES as readonly string[]).includes(s);
}

export const ADDRESS_MAX = 120;
export const HOURS_MAX = 100;

/** Control and format characters never belong in a one-line field (they hide text or break layout). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

function line(max: number, tooLong: string) {
  return z
    .string()
    .trim()
    .refine((s) => [...s].length <= max, { error: tooLong, params: { max } })
    .refine((s) => !INVISIBLE.test(s), "profile.invisible");
}

/** A phone number as people write it: digits with spaces, hyphens, brackets and a leading +. */
export const PHONE_RE = /^\+?[0-9][0-9 ()-]{4,19}$/;
export const phoneSchema = z.string().trim().regex(PHONE_RE, "profile.phoneFormat");

export const addressSchema = line(ADDRESS_MAX, "profile.addressTooLong");
export const hoursSchema = line(HOURS_MAX, "profile.hoursTooLong");

/**
 * 统一社会信用代码 (18 characters: digits and capital letters except I, O, S, V, Z) or an older
 * 15-digit registration number; typed lower case is upper-cased.
 */
export const LICENCE_RE = /^(?:[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9]{15})$/;
export const licenceSchema = z
  .string()
  .trim()
  .toUpperCase()
  .min(1, "form.required")
  .regex(LICENCE_RE, "merchant.licenceFormat");

/** A coordinate typed as a decimal number (up to 7 decimals: about a centimetre). */
function coordinate(limit: number, message: string) {
  return z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d{1,7})?$/, message)
    .transform(Number)
    .refine((v) => Math.abs(v) <= limit, message);
}
export const latitudeSchema = coordinate(90, "profile.latitudeRange");
export const longitudeSchema = coordinate(180, "profile.longitudeRange");

/** Empty form fields mean "not given". */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());
}

export const profileFormSchema = z
  .object({
    address: optional(addressSchema),
    /** Named apart from the sign-up's `phone` (a mainland mobile for SMS codes): any public number. */
    storePhone: optional(phoneSchema),
    hours: optional(hoursSchema),
    category: optional(z.enum(STORE_CATEGORIES, "profile.categoryUnknown")),
    latitude: optional(latitudeSchema),
    longitude: optional(longitudeSchema),
  })
  .superRefine((v, ctx) => {
    if ((v.latitude === undefined) !== (v.longitude === undefined)) {
      ctx.addIssue({ code: "custom", message: "profile.coordinatesBoth", path: [v.latitude === undefined ? "latitude" : "longitude"] });
    }
  });

export type ProfileInput = z.output<typeof profileFormSchema>;
