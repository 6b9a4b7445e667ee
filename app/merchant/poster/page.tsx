import type { Metadata } from "next";
import { headers } from "next/headers";
import { approvedStore } from "@/lib/merchants/store";
import { requireMerchant } from "@/lib/auth/session";
import { db } from "@/db";
import { storeQrSvg, storeUrl } from "@/lib/merchants/poster";
import { bpsPercent } from "@/app/(customer)/_ui/format";
import { PrintButton } from "./print-button";

export const metadata: Metadata = { title: "二维码海报 · Freeline 商家" };
export const dynamic = "force-dynamic";

/** A printable A4/A5 poster: store name, the QR code that opens the store page, and a one-line rule. */
export default async function PosterPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/poster" });
  const store = await approvedStore(db, { merchantId: merchant.id });
  const url = storeUrl(await headers(), merchant.slug);
  const svg = await storeQrSvg(url);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <p className="text-sm text-muted">打印时选择 A4 或 A5 纸张，海报会自动占满一页。</p>
        <PrintButton />
      </div>
      <article
        className="poster mx-auto flex max-w-md flex-col items-center gap-4 rounded-2xl border border-line bg-white p-8 text-center text-gray-900 print:max-w-none print:border-0 print:p-0"
        data-testid="poster"
      >
        <p className="text-sm tracking-widest text-gray-600">扫码下单 · 排队免单 · 绿色积分</p>
        <h1 className="text-3xl font-bold">{merchant.name}</h1>
        <div className="w-64 max-w-full print:w-[60%]" role="img" aria-label={`打开 ${merchant.name} 的二维码：${url}`} dangerouslySetInnerHTML={{ __html: svg }} />
        <p className="text-base">每笔订单让利 {bpsPercent(store.rule.rebateBps)}，部分进入免单池，按先后顺序全额免单。</p>
        <p className="text-xs text-gray-600">能否免单取决于本店未来的订单，不保证免单，也不承诺时间。</p>
        <p className="break-all font-mono text-xs text-gray-500">{url}</p>
      </article>
    </div>
  );
}
