import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bindAlipaySchema } from "./payout-account-input";

const parse = (realName: string, alipayAccount: string) => bindAlipaySchema.safeParse({ realName, alipayAccount });

describe("binding an Alipay account: the input", () => {
  it("accepts a mainland mobile number or an email, and a real name", () => {
    expect(parse(" 张三 ", "138 1234 5678")).toMatchObject({ success: true, data: { realName: "张三", alipayAccount: "13812345678" } });
    expect(parse("买买提·艾力", "Alice@Example.com")).toMatchObject({ success: true, data: { alipayAccount: "alice@example.com" } });
    expect(parse("Li Lei", "lilei@example.cn").success).toBe(true);
  });

  it("refuses anything else with a message code", () => {
    for (const [name, account, code] of [
      ["张三", "12812345678", "payout.alipayAccountInvalid"],
      ["张三", "1381234567", "payout.alipayAccountInvalid"],
      ["张三", "not-an-email", "payout.alipayAccountInvalid"],
      ["", "13812345678", "payout.realNameRequired"],
      ["张3", "13812345678", "payout.realNameInvalid"],
      ["<script>", "13812345678", "payout.realNameInvalid"],
    ] as const) {
      const r = parse(name, account);
      expect(r.success, `${name} ${account}`).toBe(false);
      if (!r.success) expect(r.error.issues[0]!.message).toBe(code);
    }
  });

  it("every valid mobile number is accepted as typed, with or without spaces", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
        expect(parse("张三", spaced)).toMatchObject({ success: true, data: { alipayAccount: phone } });
      }),
    );
  });
});
