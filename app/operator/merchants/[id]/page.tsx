import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { Badge, Card, EmptyState, Money, PageHeader, ProgressBar } from "@/app/_components";
import { listApiKeys } from "@/lib/api/keys";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { idParam } from "@/lib/http/params";
import { merchantSettlement } from "@/lib/merchants/dashboard";
import { staffOf } from "@/lib/merchants/staff";
import { queueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";
import { merchantProfile } from "@/lib/operator/merchant-detail";
import { ruleNumberText } from "@/lib/rules/form";
import { ruleHistory } from "@/lib/rules/versions";
import { SuspendForm } from "../suspend-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.merchant");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted">{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const RULE_KEYS = ["rebateBps", "platformFeeBps", "pointsBps", "freeBps", "unitCapFen", "minOrderFen", "exitCompBps"] as const;

/** One store as the operator sees it: profile, rules, queue, what it owes, staff and POS keys. */
export default async function OperatorMerchantPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  await requireViewer("operator", { next: `/operator/merchants/${raw}` });
  const parsed = idParam().safeParse(raw);
  if (!parsed.success) notFound();
  const m = await merchantProfile(parsed.data);
  if (!m) notFound();
  const [rules, gauge, settlement, staff, keys, t, tm, tr, locale] = await Promise.all([
    ruleHistory(m.id),
    m.queueId === null ? null : queueGauge(m.queueId),
    merchantSettlement(m.id),
    staffOf(m.id),
    listApiKeys(m.id),
    getTranslations("operator.merchant"),
    getTranslations("operator.merchants"),
    getTranslations("merchant.rules"),
    getLocale(),
  ]);
  const current = rules[0];
  const when = (at: Date) => formatShortDateTime(at, { locale });
  const activeStaff = staff.staff.filter((s) => s.revokedAt === null);
  const activeKeys = keys.filter((k) => k.revokedAt === null);
  const dl = "grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm";
  const link = "text-brand-700 underline";

  return (
    <div className="space-y-4" data-testid="merchant-detail">
      <PageHeader title={m.name} description={t("description", { slug: m.slug })} />

      <Card title={t("profile")} actions={<Badge tone={m.status === "approved" ? "success" : "neutral"}>{tm(`status.${m.status}`)}</Badge>}>
        <dl className={dl}>
          <Row label={t("owner")}>
            <Link className={link} href={`/operator/ledger?q=${encodeURIComponent(m.ownerUsername)}`}>
              {m.ownerName}
            </Link>{" "}
            <span className="text-muted">@{m.ownerUsername}</span>
          </Row>
          <Row label={t("page")}>
            <Link className={link} href={`/s/${m.slug}`}>
              /s/{m.slug}
            </Link>
          </Row>
          <Row label={t("applied")}>{when(m.createdAt)}</Row>
          <Row label={t("reviewed")}>{m.reviewedAt ? `${when(m.reviewedAt)}${m.reviewReason ? ` · ${m.reviewReason}` : ""}` : "—"}</Row>
          {m.allianceName ? <Row label={t("alliance")}>{m.allianceName}</Row> : null}
        </dl>
        {m.status === "approved" ? (
          <div className="mt-3">
            <SuspendForm key={m.suspendedAt ? "suspended" : "open"} merchantId={m.id} slug={m.slug} suspended={m.suspendedAt !== null} />
          </div>
        ) : null}
      </Card>

      <div className="grid gap-4 md:grid-cols-2">
        <Card title={t("rules", { version: current?.version ?? 0 })}>
          {current ? (
            <dl className={dl}>
              {RULE_KEYS.map((k) => (
                <Row key={k} label={tr(`label.${k}`)}>
                  {ruleNumberText(k, current.rules[k])}
                </Row>
              ))}
              <Row label={tr("label.payoutMode")}>{tr(`mode.${current.rules.payoutMode}`)}</Row>
            </dl>
          ) : (
            <p className="text-sm text-muted">—</p>
          )}
        </Card>

        <Card title={t("queue")}>
          {gauge ? (
            <div className="space-y-2 text-sm" data-testid="merchant-detail-queue">
              {gauge.headTargetFen !== null ? (
                <ProgressBar
                  value={Math.min(gauge.poolFen, gauge.headTargetFen)}
                  max={gauge.headTargetFen}
                  label={t("coverage")}
                  valueText={t("coverageValue", { pool: formatFen(gauge.poolFen), head: formatFen(gauge.headTargetFen) })}
                />
              ) : null}
              <p>
                {t("waiting", { count: gauge.waitingCount })} · <Money fen={gauge.waitingFen} />
              </p>
              <p>
                {t("pool")} <Money fen={gauge.poolFen} />{" "}
                {m.poolAccountId ? (
                  <Link className={link} href={`/operator/ledger/accounts/${m.poolAccountId}`}>
                    {t("history")}
                  </Link>
                ) : null}
              </p>
            </div>
          ) : (
            <p className="text-sm text-muted">{t("noQueue")}</p>
          )}
        </Card>

        <Card title={t("settlement")}>
          <p className="text-xl font-semibold" data-testid="merchant-detail-settlement">
            <Money fen={settlement.balanceFen} />
          </p>
          {settlement.balanceFen < 0 ? <p className="text-sm text-danger">{t("owes", { amount: formatFen(-settlement.balanceFen) })}</p> : null}
          {m.settlementAccountId ? (
            <Link className={`${link} text-sm`} href={`/operator/ledger/accounts/${m.settlementAccountId}`}>
              {t("history")}
            </Link>
          ) : null}
        </Card>

        <Card title={t("staffAndKeys")}>
          <p className="text-sm font-medium">{t("staff", { count: activeStaff.length })}</p>
          {activeStaff.length === 0 ? null : (
            <ul className="mb-3 text-sm">
              {activeStaff.map((s) => (
                <li key={s.id}>
                  {s.displayName} <span className="text-muted">@{s.username}</span> · {when(s.addedAt)}
                </li>
              ))}
            </ul>
          )}
          <p className="mt-2 text-sm font-medium">{t("keys", { count: activeKeys.length })}</p>
          {activeKeys.length === 0 ? (
            <EmptyState title={t("noKeys")} className="py-2" />
          ) : (
            <ul className="text-sm">
              {activeKeys.map((k) => (
                <li key={k.id}>
                  {k.name} <span className="font-mono text-xs text-muted">fl_{k.prefix}_…</span> · {k.lastUsedAt ? when(k.lastUsedAt) : t("neverUsed")}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
