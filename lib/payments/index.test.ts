import { describe, expect, it } from "vitest";
import { isDomainError } from "@/lib/errors";
import { paymentProvider } from "./index";

describe("paymentProvider", () => {
  it("finds the providers by id", () => {
    expect(paymentProvider("dev").id).toBe("dev");
    expect(paymentProvider("pos").id).toBe("pos");
  });

  it("answers not found for the names Object.prototype has (the webhook route once answered 500 for /api/payments/constructor/webhook)", () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "nope"]) {
      let thrown: unknown;
      try {
        paymentProvider(id);
      } catch (e) {
        thrown = e;
      }
      expect(isDomainError(thrown) && thrown.code, id).toBe("not_found");
    }
  });
});
