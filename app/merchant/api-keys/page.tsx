import type { Metadata } from "next";
import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components";
import { listApiKeys, type ApiKeySummary } from "@/lib/api/keys";
import { requireMerchant } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { CreateKeyForm } from "./create-key-form";
import { RevokeKeyButton } from "./revoke-key-button";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.apiKeys");
  return { title: t("metaTitle") };
}

async function origin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}

export default async function ApiKeysPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/api-keys" });
  const [keys, base, t] = await Promise.all([listApiKeys(merchant.id), origin(), getTranslations("merchant.apiKeys")]);
  const example = [
    `curl -X POST ${base}/api/v1/orders \\`,
    `  -H "Authorization: Bearer fl_xxxxxxxx_…" \\`,
    `  -H "Idempotency-Key: $(uuidgen)" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"customer":"13800138000","amount_fen":5800,"pos_ref":"${t("exampleRef")}"}'`,
  ].join("\n");

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("create")}>
        <CreateKeyForm />
      </Card>

      <Card title={t("keys")}>
        {keys.length === 0 ? <EmptyState title={t("empty")} description={t("emptyBody")} className="py-6" /> : <KeyTable keys={keys} />}
      </Card>

      <Card title={t("docs")}>
        <div className="space-y-3 text-sm">
          <p className="text-muted">{t("docsBody", { header: `Authorization: Bearer <${t("keyWord")}>` })}</p>
          <p>
            <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline" target="_blank" rel="noreferrer">
              {t("spec")}
            </a>
          </p>
          <p className="text-muted">{t("example")}</p>
          {/* Focusable: on a phone the example scrolls sideways, and a keyboard must be able to scroll it too. */}
          <pre tabIndex={0} className="overflow-x-auto rounded-xl bg-canvas p-3 font-mono text-xs text-ink focus-visible:outline-2 focus-visible:outline-brand-600">
            {example}
          </pre>
        </div>
      </Card>
    </div>
  );
}

async function KeyTable({ keys }: { keys: ApiKeySummary[] }) {
  const [t, locale] = await Promise.all([getTranslations("merchant.apiKeys"), getLocale()]);
  const th = "px-2 py-2 text-left font-medium";
  const td = "px-2 py-2 align-middle";
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full min-w-[36rem] text-sm" data-testid="api-keys">
        <thead className="border-b border-line text-muted">
          <tr>
            <th className={th}>{t("cols.name")}</th>
            <th className={th}>{t("cols.prefix")}</th>
            <th className={th}>{t("cols.created")}</th>
            <th className={th}>{t("cols.lastUsed")}</th>
            <th className={th}>{t("cols.status")}</th>
            <th className={`${th} text-right`}>{t("cols.actions")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {keys.map((k) => (
            <tr key={k.id} className={k.revokedAt ? "text-muted" : undefined}>
              <td className={`${td} font-medium`}>{k.name}</td>
              <td className={`${td} font-mono text-xs`}>fl_{k.prefix}_…</td>
              <td className={td}>{formatShortDateTime(k.createdAt, { locale })}</td>
              <td className={td}>{k.lastUsedAt ? formatShortDateTime(k.lastUsedAt, { locale }) : t("never")}</td>
              <td className={td}>
                {k.revokedAt ? (
                  <Badge tone="neutral">
                    <span title={t("revokedAt", { at: formatShortDateTime(k.revokedAt, { locale }) })}>{t("revoked")}</span>
                  </Badge>
                ) : (
                  <Badge tone="success">{t("active")}</Badge>
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
