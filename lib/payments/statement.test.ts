import fc from "fast-check";
import { unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { BillFormatError, chinaDayBounds } from "./bill-text";
import type { FakeBillRecord } from "./fake-bill";
import { parseAlipayAccountBill } from "./alipay/account-bill";
import { gbkEncode, renderAlipayAccountBill } from "./alipay/fake-server";
import { parseWechatFundFlowBill } from "./wechat/fund-bill";
import { renderWechatFundFlowBill } from "./wechat/fake-server";

// The account statements (WeChat Pay's fund-flow bill, Alipay's account bill) read back from files
// written the way each provider's documentation describes them (by the fakes' writers, which share
// no code with the parsers): every transfer comes back, whatever else moved the account's money,
// and a file whose summary lines disagree with its rows is refused.

const DAY = "2026-12-05";
const { from } = chinaDayBounds(DAY);

const record: fc.Arbitrary<FakeBillRecord> = fc
  .record({
    kind: fc.constantFrom("payment" as const, "refund" as const, "transfer" as const),
    n: fc.integer({ min: 1, max: 99_999_999 }),
    amountFen: fc.integer({ min: 1, max: 100_000_000 }),
    second: fc.integer({ min: 0, max: 86_399 }),
  })
  .map(({ kind, n, amountFen, second }) => {
    const orderNo = `FL261205${String(n).padStart(8, "0")}`;
    const outId = kind === "payment" ? orderNo : kind === "refund" ? `RF${orderNo}01` : `WD${String(n).padStart(10, "0")}`;
    return { kind, outId, orderNo: kind === "transfer" ? outId : orderNo, tradeRef: `1330${n}`, refundRef: kind === "refund" ? `50300${n}` : undefined, amountFen, at: new Date(from.getTime() + second * 1000) };
  });

const transfersOf = (records: FakeBillRecord[]) =>
  records.filter((r) => r.kind === "transfer").map((r) => ({ kind: "transfer", outId: r.outId, providerRef: r.tradeRef, amountFen: r.amountFen, at: new Date(Math.floor(r.at.getTime() / 1000) * 1000) }));

const transfer = (outId: string, amountFen: number): FakeBillRecord => ({ kind: "transfer", outId, orderNo: outId, tradeRef: `1330${outId}`, amountFen, at: new Date(from.getTime() + 3_600_000) });
const payment = (orderNo: string, amountFen: number): FakeBillRecord => ({ kind: "payment", outId: orderNo, orderNo, tradeRef: `42${orderNo}`, amountFen, at: new Date(from.getTime() + 60_000) });

describe("WeChat Pay's fund-flow bill", () => {
  it("gives back every 商家转账 it lists, whatever else moved the account", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), (records) => {
        expect(parseWechatFundFlowBill(renderWechatFundFlowBill(records)).transfers).toEqual(transfersOf(records));
      }),
    );
  });

  it("reads the summary's counts written as 20.0, and refuses a row or summary altered, a file cut short, or a column missing", () => {
    const text = renderWechatFundFlowBill([payment("FL2612050001", 5_000), transfer("WD0000000001", 3_000), transfer("WD0000000002", 1_200)]);
    expect(text).toMatch(/`3\.0,`1\.0,`50\.00,`2\.0,`42\.00\r\n$/);
    expect(parseWechatFundFlowBill(text).summary).toEqual({ count: 3, inCount: 1, inFen: 5_000, outCount: 2, outFen: 4_200 });
    const lines = text.split("\r\n");
    const altered = text.replace("`30.00,", "`31.00,");
    expect(altered).not.toBe(text);
    expect(() => parseWechatFundFlowBill(altered)).toThrow(/支出|outFen/);
    expect(() => parseWechatFundFlowBill(text.replace("`2.0,`42.00", "`2.0,`41.00"))).toThrow(BillFormatError);
    expect(() => parseWechatFundFlowBill([lines[0], ...lines.slice(2)].join("\r\n"))).toThrow(BillFormatError);
    expect(() => parseWechatFundFlowBill(text.replace("业务凭证号", "凭证"))).toThrow(/no column 业务凭证号/);
  });
});

describe("Alipay's account bill", () => {
  it("gives back every 转账 of the GBK zip, whatever else moved the account", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), (records) => {
        expect(parseAlipayAccountBill(renderAlipayAccountBill(records, DAY)).transfers).toEqual(transfersOf(records));
      }),
      { numRuns: 30 },
    );
  });

  it("refuses a zip whose rows disagree with the 支出合计 / 收入合计 lines, or that holds no 账务明细 file", () => {
    const zip = renderAlipayAccountBill([payment("FL2612050001", 5_000), transfer("WD0000000001", 3_000)], DAY);
    expect(parseAlipayAccountBill(zip).summary).toEqual({ outCount: 1, outFen: -3_000, inCount: 1, inFen: 5_000 });
    const [name, bytes] = Object.entries(unzipSync(zip))[0]!;
    const text = new TextDecoder("gbk").decode(bytes);
    const rezip = (t: string) => zipSync({ [name]: gbkEncode(t) });
    expect(() => parseAlipayAccountBill(rezip(text.replace(",-30.00,", ",-31.00,")))).toThrow(/outFen/);
    expect(() => parseAlipayAccountBill(rezip(text.replace(/#支出合计[^\r]*\r\n/, "")))).toThrow(/支出合计/);
    const cut = text.split("\r\n").filter((l) => !l.includes("WD0000000001")).join("\r\n");
    expect(() => parseAlipayAccountBill(rezip(cut))).toThrow(BillFormatError);
    expect(() => parseAlipayAccountBill(zipSync({ "other.csv": gbkEncode("#支付宝业务明细查询\r\n") }))).toThrow(/no 账务明细/);
  });
});
