import fc from "fast-check";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { BillFormatError, chinaDayBounds, chinaTimeToDate, dayBefore, yuanTextToFen } from "./bill-text";
import type { FakeBillRecord } from "./fake-bill";
import { parseAlipayTradeBill } from "./alipay/bill";
import { gbkEncode, renderAlipayTradeBill } from "./alipay/fake-server";
import { parseWechatTradeBill } from "./wechat/bill";
import { renderWechatTradeBill } from "./wechat/fake-server";

// The bill parsers against files written the way each provider's documentation describes them (by
// the fakes' writers, which share no code with the parsers), for any set of payments and refunds.

const DAY = "2026-12-05";
const { from } = chinaDayBounds(DAY);
const keys = { appid: "wxd678efh567hg6787", mchid: "1900000109" };

const record: fc.Arbitrary<FakeBillRecord> = fc
  .record({
    kind: fc.constantFrom("payment" as const, "refund" as const),
    n: fc.integer({ min: 1, max: 99_999_999 }),
    amountFen: fc.integer({ min: 1, max: 100_000_000 }),
    second: fc.integer({ min: 0, max: 86_399 }),
  })
  .map(({ kind, n, amountFen, second }) => {
    const orderNo = `FL261205${String(n).padStart(8, "0")}`;
    return {
      kind,
      outId: kind === "payment" ? orderNo : `RF${orderNo}01`,
      orderNo,
      tradeRef: `4200000${n}`,
      refundRef: kind === "refund" ? `50300${n}` : undefined,
      amountFen,
      at: new Date(from.getTime() + second * 1000),
    };
  });

const expected = (records: FakeBillRecord[]) =>
  records.map((r) => ({
    kind: r.kind,
    outId: r.outId,
    providerRef: r.kind === "refund" && r.refundRef ? r.refundRef : r.tradeRef,
    amountFen: r.amountFen,
    at: r.at,
  }));

describe("bill text", () => {
  it("reads yuan amounts exactly, signed, and refuses anything else", () => {
    expect([yuanTextToFen("12.34", "x"), yuanTextToFen("-0.5", "x"), yuanTextToFen("3", "x"), yuanTextToFen(" 0.01\t", "x")]).toEqual([1234, -50, 300, 1]);
    for (const bad of ["", "1.234", "1e3", "¥1", "1,000.00", "--1"]) expect(() => yuanTextToFen(bad, "x")).toThrow(BillFormatError);
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
      const text = `${fen < 0 ? "-" : ""}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;
      return yuanTextToFen(text, "x") === fen;
    }));
  });

  it("reads China time, and knows the platform's days", () => {
    expect(chinaTimeToDate("2026-12-06 00:00:00", "x").toISOString()).toBe("2026-12-05T16:00:00.000Z");
    expect(chinaDayBounds("2026-12-06")).toEqual({ from: new Date("2026-12-05T16:00:00Z"), to: new Date("2026-12-06T16:00:00Z") });
    expect(dayBefore("2026-03-01")).toBe("2026-02-28");
    expect(() => chinaDayBounds("2026-02-30")).toThrow(RangeError);
  });
});

describe("WeChat Pay's trade bill", () => {
  it("gives back every payment and refund it lists, whatever the mix", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const parsed = parseWechatTradeBill(renderWechatTradeBill(records, keys));
        expect(parsed.rows).toEqual(expected(records));
        expect(parsed.summary.count).toBe(records.length);
      }),
      { numRuns: 60 },
    );
  });

  it("reads the documented sample shape: backticks, a comma inside the product name, the summary block", () => {
    const text = [
      "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
      "`2026-12-05 10:00:01,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200000001202612050001,`FL261205ABCDEFGH,`oUser,`JSAPI,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00,`0,`0,`0.00,`0.00,`,`,`Tea, large,`,`0.07000,`0.60%,`12.34,`0.00,`",
      "`2026-12-05 11:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200000001202612050001,`FL261205ABCDEFGH,`oUser,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300001,`RFFL261205ABCDEFGH01,`12.34,`0.00,`ORIGINAL,`SUCCESS,`Tea, large,`,`-0.07000,`0.60%,`0.00,`12.34,`",
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
      "`2,`12.34,`12.34,`0.00,`0.00000,`12.34,`12.34",
      "",
    ].join("\r\n");
    const { rows, summary } = parseWechatTradeBill(text);
    expect(rows).toEqual([
      { kind: "payment", outId: "FL261205ABCDEFGH", providerRef: "4200000001202612050001", amountFen: 1234, at: new Date("2026-12-05T02:00:01Z") },
      { kind: "refund", outId: "RFFL261205ABCDEFGH01", providerRef: "50300001", amountFen: 1234, at: new Date("2026-12-05T03:00:00Z") },
    ]);
    expect(summary).toEqual({ count: 2, paymentFen: 1234, refundFen: 1234 });
  });

  it("refuses a file whose summary does not match its rows (cut short or altered), or with no summary at all", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), (records, pick) => {
        const lines = renderWechatTradeBill(records, keys).trimEnd().split("\r\n");
        // One detail row lost: the summary still counts it.
        const cut = [...lines];
        cut.splice(1 + (pick % records.length), 1);
        expect(() => parseWechatTradeBill(cut.join("\r\n"))).toThrow(/summary counts/);
        // No summary block.
        expect(() => parseWechatTradeBill(lines.slice(0, -2).join("\r\n"))).toThrow(BillFormatError);
      }),
      { numRuns: 30 },
    );
    const one = renderWechatTradeBill([{ kind: "payment", outId: "FL261205AAAAAAAA", orderNo: "FL261205AAAAAAAA", tradeRef: "42", amountFen: 500, at: from }], keys);
    expect(() => parseWechatTradeBill(one.replace("`5.00,`0.00,`0,`0", "`5.01,`0.00,`0,`0"))).not.toThrow(); // 应结 is not summed
    expect(() => parseWechatTradeBill(one.replace(/`5\.00,`0\.00,`$/m, "`5.01,`0.00,`"))).toThrow(/订单总金额/);
    expect(() => parseWechatTradeBill(one.replace("`SUCCESS", "`NOTPAY"))).toThrow(/unknown 交易状态/);
  });
});

/** Alipay's bill zip of one order paid and partly refunded, unzipped: the two files by name, decoded. */
function paidAndRefunded(orderNo: string, tradeRef: string, paidFen: number, refundedFen: number) {
  const records: FakeBillRecord[] = [
    { kind: "payment", outId: orderNo, orderNo, tradeRef, amountFen: paidFen, at: from },
    { kind: "refund", outId: `RF${orderNo}01`, orderNo, tradeRef, amountFen: refundedFen, at: from },
  ];
  const files = unzipSync(renderAlipayTradeBill(records, DAY));
  const [detailName, summaryName] = Object.keys(files).sort((a, b) => a.length - b.length);
  const gbk = new TextDecoder("gbk");
  return { files, detailName, summaryName, detail: gbk.decode(files[detailName!]!), summary: gbk.decode(files[summaryName!]!) };
}

describe("Alipay's trade bill", () => {
  it("gives back every trade and refund of the GBK zip, whatever the mix", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const parsed = parseAlipayTradeBill(renderAlipayTradeBill(records, DAY));
        expect(parsed.rows).toEqual(expected(records).map((r) => ({ ...r, providerRef: records.find((x) => x.outId === r.outId)!.tradeRef })));
        expect(parsed.summary).toEqual({
          trades: records.filter((r) => r.kind === "payment").length,
          refunds: records.filter((r) => r.kind === "refund").length,
          netFen: records.reduce((n, r) => n + (r.kind === "refund" ? -r.amountFen : r.amountFen), 0),
        });
      }),
      { numRuns: 40 },
    );
  });

  it("decodes GBK and skips the # comment lines; a Chinese product name with a comma keeps the columns in place", () => {
    const records: FakeBillRecord[] = [
      { kind: "payment", outId: "FL261205BBBBBBBB", orderNo: "FL261205BBBBBBBB", tradeRef: "2026120522001", amountFen: 880, at: from },
    ];
    const zip = renderAlipayTradeBill(records, DAY, { subject: "茶馆,大杯" });
    const files = unzipSync(zip);
    const detail = Object.values(files).find((b) => new TextDecoder("gbk").decode(b).startsWith("#支付宝业务明细查询"))!;
    // GBK, not UTF-8: the bytes of 支 are D6 A7.
    expect([...detail.slice(1, 3)]).toEqual([0xd6, 0xa7]);
    expect(parseAlipayTradeBill(zip).rows).toEqual([{ kind: "payment", outId: "FL261205BBBBBBBB", providerRef: "2026120522001", amountFen: 880, at: from }]);
  });

  it("refuses a zip whose details were cut short, that lacks the summary file, or that is not GBK or not a zip", () => {
    const { files, detailName, summaryName, detail } = paidAndRefunded("FL261205CCCCCCCC", "1", 100, 100);
    const cut = detail.split("\r\n").filter((l) => !l.startsWith("RFFL") && !l.includes("退款\t") && !l.includes(",退款,")).join("\r\n");
    expect(() => parseAlipayTradeBill(zipSync({ a: gbkEncode(cut), b: files[summaryName!]! }))).toThrow(/counts 1 trades and 1 refunds/);
    expect(() => parseAlipayTradeBill(zipSync({ a: files[detailName!]! }))).toThrow(/no 业务汇总 file/);
    expect(() => parseAlipayTradeBill(zipSync({ a: strToU8("#支付宝业务明细查询\n\uFFFF"), b: files[summaryName!]! }))).toThrow(BillFormatError);
    expect(() => parseAlipayTradeBill(strToU8("not a zip"))).toThrow(/not a zip/);
  });

  it("refuses a bill whose summary amount disagrees with its rows: a detail row's amount altered, or the summary's", () => {
    const { files, detailName, summaryName, detail, summary } = paidAndRefunded("FL261205DDDDDDDD", "7", 2_580, 1_000);
    // As rendered: the same counts and a net of 15.80 yuan on both sides.
    expect(parseAlipayTradeBill(zipSync({ a: files[detailName!]!, b: files[summaryName!]! })).summary).toEqual({ trades: 1, refunds: 1, netFen: 1_580 });
    // A payment row says 25.81 (both amount columns), the counts still agree: refused by the amount.
    const altered = detail.replace(",25.80,25.80,", ",25.81,25.81,");
    expect(altered).not.toBe(detail);
    expect(() => parseAlipayTradeBill(zipSync({ a: gbkEncode(altered), b: files[summaryName!]! }))).toThrow(/订单金额 is 1580 fen, the details add up to 1581 fen/);
    // The summary's 合计 says another net.
    const otherSummary = summary.replace(/^合计,,1,1,15\.80,/m, "合计,,1,1,15.90,");
    expect(otherSummary).not.toBe(summary);
    expect(() => parseAlipayTradeBill(zipSync({ a: files[detailName!]!, b: gbkEncode(otherSummary) }))).toThrow(/订单金额 is 1590 fen/);
  });
});
