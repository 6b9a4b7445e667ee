import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components";
import { formatLongDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { pointsPolicy } from "@/lib/points/policy";
import { DRAW_CAP_FEN } from "@/lib/queue/draw";
import { computeShares } from "@/lib/rules/shares";
import { exitCompensation, queueUnits } from "@/lib/rules/units";
import { ruleHistory, storeQueueOf } from "@/lib/rules/versions";
import { bpsPercent } from "../../../_ui/format";
import { RiskNotice } from "../../../_ui/risk-notice";
import { findStore, storeOr404 } from "../store";
import { ruleText } from "@/lib/rules/rule-text";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const [store, t, ts] = await Promise.all([
    findStore((await params).slug),
    getTranslations("customer.storeRules"),
    getTranslations("customer.shared"),
  ]);
  return { title: store ? ts("titleSuffix", { title: t("metaTitle", { store: store.merchant.name }) }) : "Freeline" };
}

/** One decimal of a / b, rounded, in integers: 130 / 1300 × 10 … → "7.7". */
function ratioText(a: number, b: number): string {
  const tenths = Math.floor((20 * a + b) / (2 * b));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** A store's current rules in plain words, worked examples, the draw disclosure and the rule history. */
export default async function StoreRulesPage({ params }: Props) {
  const { slug } = await params;
  const store = await storeOr404(slug);
  const [history, queue, t, locale] = await Promise.all([
    ruleHistory(store.merchant.id),
    storeQueueOf(store.merchant.id),
    getTranslations("customer.storeRules"),
    getLocale(),
  ]);
  const r = store.rule;
  const policy = pointsPolicy();
  const words = ruleText(locale);
  const ex = computeShares(10_000, r);
  const target100 = queueUnits(10_000, { ...r, unitCapFen: 0 })[0] ?? 0;
  const units350 = queueUnits(35_000, r);
  const mode = queue?.payoutMode ?? r.payoutMode;
  const name = store.merchant.name;

  return (
    <div className="space-y-4">
      <header>
        <p className="text-sm">
          <Link className="inline-flex min-h-11 min-w-11 items-center text-brand-700 underline" href={`/s/${slug}`}>
            ‹ {name}
          </Link>
        </p>
        <h1 className="mt-1 text-2xl font-semibold text-ink">{t("title", { store: name })}</h1>
        <p className="mt-1 text-sm text-muted" data-testid="rule-version">
          {t("version", { version: r.version, since: formatLongDateTime(r.createdAt, { locale }) })}
        </p>
      </header>

      <RiskNotice />

      <Card title={t("current.title")}>
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="current-rules">
          <li>
            {t.rich("current.rebate", {
              rate: () => <strong data-testid="rebate-rate">{bpsPercent(r.rebateBps)}</strong>,
              fee: bpsPercent(r.platformFeeBps),
              points: bpsPercent(r.pointsBps),
            })}
          </li>
          <li>
            {t("current.queue", { min: formatFen(r.minOrderFen), free: bpsPercent(r.freeBps) })}
            {r.unitCapFen > 0 ? t("current.split", { cap: formatFen(r.unitCapFen) }) : t("current.noSplit")}
            {t("current.below")}
          </li>
          <li>
            {t("current.payout", { mode: words.mode(mode) })}
            {mode === "auto" ? t("current.auto") : t("current.manual")}
            {queue?.allianceName ? t("current.alliance", { alliance: queue.allianceName }) : ""}
            {t("current.end")}
          </li>
          <li>{t("current.leave", { rate: bpsPercent(r.exitCompBps) })}</li>
          <li>
            {t("current.release", { rate: bpsPercent(policy.releaseBpsPerDay) })}
            {policy.expiryDays > 0 ? t("current.expiry", { days: policy.expiryDays }) : t("current.never")}
            {t("current.platformWide")}
          </li>
          <li>{t("current.rounding")}</li>
        </ul>
      </Card>

      <Card title={t("example.title")}>
        <table className="w-full text-sm" data-testid="worked-example">
          <tbody className="divide-y divide-line">
            <Row label={t("example.rebate", { rate: bpsPercent(r.rebateBps) })} value={formatFen(ex.rebateFen)} />
            <Row label={t("example.fee", { rate: bpsPercent(r.platformFeeBps) })} value={formatFen(ex.platformFeeFen)} />
            <Row
              label={t("example.points", { rate: bpsPercent(r.pointsBps) })}
              value={t("example.pointsValue", { points: String(ex.pointsEarned), amount: formatFen(ex.pointsEarned) })}
            />
            <Row label={t("example.pool")} value={formatFen(ex.poolFen)} />
            <Row label={t("example.net")} value={formatFen(ex.merchantNetFen)} />
          </tbody>
        </table>
        {ex.poolFen > 0 && target100 > 0 ? (
          <p className="mt-2 text-sm text-muted">{t("example.ratio", { ratio: ratioText(target100, ex.poolFen), target: formatFen(target100) })}</p>
        ) : null}
      </Card>

      <Card title={t("units.title")}>
        <p className="text-sm" data-testid="unit-example">
          {t("units.order")}
          {units350.length === 0
            ? t("units.none")
            : t("units.parts", {
                total: formatFen(units350.reduce((a, b) => a + b, 0)),
                count: units350.length,
                parts: units350.map((u) => formatFen(u)).join(" + "),
              })}
          {t("units.each", { part: formatFen(units350[0] ?? 0), points: String(exitCompensation(units350[0] ?? 0, r.exitCompBps)), amount: formatFen(exitCompensation(units350[0] ?? 0, r.exitCompBps)) })}
        </p>
      </Card>

      <Card title={t("draw.title")}>
        <p className="text-sm" data-testid="draw-disclosure">
          {t("draw.body", { cap: formatFen(DRAW_CAP_FEN) })}
        </p>
      </Card>

      <Card title={t("history.title")}>
        <p className="mb-2 text-xs text-muted">{t("history.note")}</p>
        <ol className="divide-y divide-line text-sm" data-testid="rule-history">
          {history.map((v) => (
            <li key={v.id} className="py-2" data-testid={`rule-version-${v.version}`}>
              <p className="font-medium">
                {t("history.version", { version: v.version })}{" "}
                <span className="font-normal text-muted">· {formatLongDateTime(v.createdAt, { locale })}</span>
              </p>
              {v.changes.length === 0 ? (
                <p className="text-muted">
                  {t("history.summary", {
                    what: v.version === 1 ? t("history.initial") : t("history.unchanged"),
                    rebate: bpsPercent(v.rules.rebateBps),
                    points: bpsPercent(v.rules.pointsBps),
                    free: bpsPercent(v.rules.freeBps),
                  })}
                </p>
              ) : (
                <ul className="text-muted">
                  {v.changes.map((c) => (
                    <li key={c.key}>
                      {t("history.change", { label: words.label(c.key), from: words.value(c.key, c.from), to: words.value(c.key, c.to) })}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </Card>

      <p className="text-sm">
        <Link className="inline-flex min-h-11 min-w-11 items-center text-brand-700 underline" href="/rules">
          {t("platform")}
        </Link>
      </p>
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <tr>
      <th scope="row" className="py-1.5 pr-3 text-left font-normal text-muted">
        {label}
      </th>
      <td className="py-1.5 text-right tabular-nums">{value}</td>
    </tr>
  );
}
