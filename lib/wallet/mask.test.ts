import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskAlipayAccount, maskName, maskOpenid, maskPayoutAccount } from "./mask";

describe("masking a payout account", () => {
  it("shows the documented examples", () => {
    expect(maskName("张三")).toBe("张*");
    expect(maskName("欧阳娜娜")).toBe("欧***");
    expect(maskName("李")).toBe("*");
    expect(maskAlipayAccount("13812345678")).toBe("138****5678");
    expect(maskAlipayAccount("alice@example.com")).toBe("a***@example.com");
    expect(maskOpenid("oUpF8uMuAJO_M2pxb1Q9zNjWe74f")).toBe("o…4f");
    expect(maskPayoutAccount({ kind: "alipay", account: "13812345678", realName: "张三" })).toEqual({ kind: "alipay", masked: "张* · 138****5678" });
    expect(maskPayoutAccount({ kind: "wechat", openid: "oUpF8uMuAJO_M2pxb1Q9zNjWe74f" })).toEqual({ kind: "wechat", masked: "o…4f" });
  });

  it("never shows a phone number's middle four digits", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const m = maskAlipayAccount(phone);
        expect(m).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
        expect(m).not.toContain(phone.slice(3, 7) + phone.slice(7));
      }),
    );
  });

  it("keeps at most one character of a name, and always hides the rest", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 20 }).filter((s) => [...s.trim()].length >= 2), (name) => {
        const m = maskName(name);
        const chars = [...name.trim()];
        expect([...m]).toHaveLength(chars.length);
        expect(m.slice(m.length - (chars.length - 1))).toBe("*".repeat(chars.length - 1));
      }),
    );
  });

  it("shows at most three characters of an openid, and never its middle", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{6,64}$/), (openid) => {
        const m = maskOpenid(openid);
        expect(m.replace("…", "").length).toBeLessThanOrEqual(3);
        expect(m).not.toContain(openid.slice(1, -2));
      }),
    );
  });

  it("an email keeps its domain and one character of its local part", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const m = maskAlipayAccount(email);
        const at = email.lastIndexOf("@");
        expect(m.endsWith(email.slice(at))).toBe(true);
        expect(m.slice(0, m.lastIndexOf("@"))).toBe(`${email[0]}***`);
      }),
    );
  });
});
