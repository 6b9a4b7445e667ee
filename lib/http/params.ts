import { z } from "zod";

/**
 * An id from a path or a form field: plain decimal digits only, positive, within the safe integer
 * range. Stricter than z.coerce.number(), which would also read "0x1", "1e0" or " 1 " as 1. Server
 * actions pass their message code, so a missing or malformed id says what to do in the form.
 */
export function idParam(message = "id must be a positive integer") {
  return z
    .string({ error: message })
    .regex(/^[1-9]\d{0,15}$/, message)
    .transform(Number)
    .refine(Number.isSafeInteger, message);
}
