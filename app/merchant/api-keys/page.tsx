import type { Metadata } from "next";
import { headers } from "next/headers";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components";
import { listApiKeys, type ApiKeySummary } from "@/lib/api/keys";
import { requireMerchant } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { CreateKeyForm } from "./create-key-form";
import { RevokeKeyButton } from "./revoke-key-button";

export const metadata: Metadata = { title: "POS 接口 · Freeline 商家" };

const t = {
  title: "POS 接口",
  description: "让门店的收银系统（POS）直接记录到店付款的订单，并查询排队情况。每台收银机建议使用单独的密钥。",
  create: "新建密钥",
  keys: "密钥",
  empty: "还没有密钥",
  emptyBody: "创建一个密钥，填入 POS 系统即可开始调用接口。",
  cols: { name: "名称", prefix: "密钥前缀", created: "创建时间", lastUsed: "最近使用", status: "状态", actions: "操作" },
  never: "从未使用",
  active: "启用中",
  revoked: "已撤销",
  revokedAt: (d: string) => `撤销于 ${d}`,
  docs: "接入说明",
  docsBody: "每个请求带上请求头 Authorization: Bearer <密钥>。金额一律以「分」为单位的整数（¥12.34 即 1234）。创建订单必须带 Idempotency-Key 请求头：网络超时后用同一个值重试，不会重复记账。",
  spec: "接口文档（OpenAPI 3.1）",
  example: "示例：顾客在收银台付款 ¥58.00 后记录订单",
};

async function origin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}

export default async function ApiKeysPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/api-keys" });
  const [keys, base] = await Promise.all([listApiKeys(merchant.id), origin()]);
  const example = [
    `curl -X POST ${base}/api/v1/orders \\`,
    `  -H "Authorization: Bearer fl_xxxxxxxx_…" \\`,
    `  -H "Idempotency-Key: $(uuidgen)" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"customer":"13800138000","amount_fen":5800,"pos_ref":"小票 0042"}'`,
  ].join("\n");

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />

      <Card title={t.create}>
        <CreateKeyForm />
      </Card>

      <Card title={t.keys}>
        {keys.length === 0 ? <EmptyState title={t.empty} description={t.emptyBody} className="py-6" /> : <KeyTable keys={keys} />}
      </Card>

      <Card title={t.docs}>
        <div className="space-y-3 text-sm">
          <p className="text-muted">{t.docsBody}</p>
          <p>
            <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline" target="_blank" rel="noreferrer">
              {t.spec}
            </a>
          </p>
          <p className="text-muted">{t.example}</p>
          <pre className="overflow-x-auto rounded-xl bg-canvas p-3 font-mono text-xs text-ink">{example}</pre>
        </div>
      </Card>
    </div>
  );
}

function KeyTable({ keys }: { keys: ApiKeySummary[] }) {
  const th = "px-2 py-2 text-left font-medium";
  const td = "px-2 py-2 align-middle";
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full min-w-[36rem] text-sm" data-testid="api-keys">
        <thead className="border-b border-line text-muted">
          <tr>
            <th className={th}>{t.cols.name}</th>
            <th className={th}>{t.cols.prefix}</th>
            <th className={th}>{t.cols.created}</th>
            <th className={th}>{t.cols.lastUsed}</th>
            <th className={th}>{t.cols.status}</th>
            <th className={`${th} text-right`}>{t.cols.actions}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {keys.map((k) => (
            <tr key={k.id} className={k.revokedAt ? "text-muted" : undefined}>
              <td className={`${td} font-medium`}>{k.name}</td>
              <td className={`${td} font-mono text-xs`}>fl_{k.prefix}_…</td>
              <td className={td}>{formatShortDateTime(k.createdAt)}</td>
              <td className={td}>{k.lastUsedAt ? formatShortDateTime(k.lastUsedAt) : t.never}</td>
              <td className={td}>
                {k.revokedAt ? (
                  <Badge tone="neutral">
                    <span title={t.revokedAt(formatShortDateTime(k.revokedAt))}>{t.revoked}</span>
                  </Badge>
                ) : (
                  <Badge tone="success">{t.active}</Badge>
                )}
              </td>
              <td className={`${td} text-right`}>{k.revokedAt ? null : <RevokeKeyButton keyId={k.id} name={k.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
