import { z } from "zod";

/**
 * A path id: plain decimal digits only, positive, within the safe integer range. Stricter than
 * z.coerce.number(), which would also read "0x1", "1e0" or " 1 " as 1.
 */
export function idParam(message = "id must be a positive integer") {
  return z
    .string()
    .regex(/^[1-9]\d{0,15}$/, message)
    .transform(Number)
    .refine(Number.isSafeInteger, message);
}
