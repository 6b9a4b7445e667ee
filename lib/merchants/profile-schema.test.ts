import { describe, expect, it } from "vitest";
import { addressSchema, hoursSchema, licenceSchema, phoneSchema } from "./profile-schema";

const refusal = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? null : r.error!.issues[0]!.message;
};

describe("application and profile fields, bad input", () => {
  it("reads a licence number typed in lower case or with spaces around it, and refuses anything else", () => {
    expect(licenceSchema.parse(" 91310000ma1fl00099 ")).toBe("91310000MA1FL00099");
    expect(licenceSchema.parse("310000000012345")).toBe("310000000012345");
    expect(refusal(licenceSchema, "")).toBe("form.required");
    for (const bad of ["123", "<script>", "' OR 1=1 --", "91310000MA1FL0000I", "91310000MA1FL0000O", "91310000MA1FL00099X", "9131 0000MA1FL00099"]) {
      expect(refusal(licenceSchema, bad), bad).toBe("merchant.licenceFormat");
    }
    expect(refusal(licenceSchema, 91310000)).not.toBeNull();
  });

  it("refuses a phone number with letters or markup, and one-line fields with hidden characters or over their length", () => {
    for (const bad of ["abc", "<script>", "1234", "+86 138 0000 0000 0000 0000", "138\n0000"]) expect(refusal(phoneSchema, bad), bad).toBe("profile.phoneFormat");
    expect(phoneSchema.parse(" +86 (21) 6000-0000 ")).toBe("+86 (21) 6000-0000");
    expect(refusal(hoursSchema, "9:00\u200B-21:00")).toBe("profile.invisible");
    expect(refusal(hoursSchema, "x".repeat(101))).toBe("profile.hoursTooLong");
    expect(refusal(addressSchema, "上海\u0000路")).toBe("profile.invisible");
  });
});
